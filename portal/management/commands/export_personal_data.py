"""manage.py export_personal_data EMAIL: everything the portal holds about one e-mail address, as JSON on
stdout (every kind of personal data in portal/retention.py; the address is matched case-insensitively)."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from portal import retention


class Command(BaseCommand):
    help = "Export everything held about one e-mail address as JSON (for a subject access request)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            validate_email(email.strip())
        except ValidationError as error:
            raise CommandError(f"Not an e-mail address: {email!r}") from error
        data = {"email": email.strip(), "data": retention.export_person(email)}
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
