"""manage.py purge_personal_data [--dry-run]: anonymise the personal data past its retention date
(portal/retention.py; periods in settings.RETENTION)."""

from django.core.management.base import BaseCommand

from portal import retention


class Command(BaseCommand):
    help = "Anonymise the personal data past its retention date, keeping the figures the reports count."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be anonymised; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        report = retention.purge(dry_run=dry_run)
        verb = "would be anonymised" if dry_run else "anonymised"
        for key, count in report.items():
            self.stdout.write(f"{key}: {count} {verb}")
