from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.importing import ImportFileError, OrganisationReader, read_upload
from programmes.resources import COLUMNS, FactoryTourResource


class Command(BaseCommand):
    help = (
        "Import factory tours from a CSV file (UTF-8 with or without BOM, or Shift_JIS as Excel saves it) or an "
        "XLSX file, with the Japanese column headers of the admin export (ID, 状態, 施設名, …, in any order). "
        "A row with an ID updates that tour; without one, the tour with the same 施設名 and 企業・団体名, or a new "
        "one. All or nothing: when any row is wrong, every problem is printed with its line number and nothing "
        "is written (exit status 1). Rows keep the file's 状態."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the whole file and report what would change; write nothing."
        )
        parser.add_argument(
            "--organisation",
            metavar="NAME",
            help=(
                "Import for this organisation only (its name or short name): every row is provided by it, and an "
                "ID of another organisation's tour is an error. Without it, 提供機関 is required for new rows."
            ),
        )

    def handle(self, *args, file: Path, dry_run: bool, organisation: str | None, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        scope = None
        if organisation:
            try:
                scope = OrganisationReader()(organisation, column=COLUMNS["provider"])
            except ValueError as error:
                raise CommandError(str(error)) from None
        try:
            dataset = read_upload(data, file_name=file.name)
        except ImportFileError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(_("Nothing was imported.")) from None

        resource = FactoryTourResource(organisation=scope, can_publish=True)
        result = resource.import_data(dataset, dry_run=dry_run)
        problems = result.messages()
        if problems:
            for message in problems:
                self.stderr.write(message)
            raise CommandError(_("%(count)d problems: nothing was imported.") % {"count": len(problems)})
        counts = result.counts()
        summary = _("%(new)d new, %(update)d updated, %(skip)d unchanged.") % counts
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written.") + " " + summary)
        else:
            self.stdout.write(self.style.SUCCESS(summary))
