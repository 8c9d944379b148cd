from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Fill the portal with realistic Japanese demo data. Idempotent: run it again to top up, nothing is "
        "duplicated. Each app adds its own data and size options (e.g. --tours N for benchmarks). "
        "Demo staff logins are created only when DEBUG is on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show what would be done, write nothing.")
        for config in apps.get_app_configs():
            if hasattr(config, "add_demo_arguments"):
                config.add_demo_arguments(parser)

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                for config in apps.get_app_configs():
                    if hasattr(config, "seed_demo"):
                        config.seed_demo(options=options, stdout=self.stdout)
                # survey answers for past demo sessions: after every app, whose sessions they are
                from portal.surveys.demo import seed_demo_surveys

                seed_demo_surveys(stdout=self.stdout)
                if options["dry_run"]:
                    raise Rollback
        except Rollback:
            self.stdout.write("Dry run: nothing was written.")
