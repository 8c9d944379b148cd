"""manage.py restore FILE [--database NAME] [--yes]: put a backup back (portal/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'manage.py backup': the database (in one transaction: all or nothing) and the "
        "uploaded media. Stop the web and worker processes first. The database's current contents are replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file (portal-YYYYMMDD-HHMMSS.tar).")
        parser.add_argument(
            "--database",
            default=None,
            help="Restore into this database on the same server (it must exist; default: the configured one).",
        )
        parser.add_argument(
            "--media-root", type=Path, default=None, help="Where to put the media (default: MEDIA_ROOT)."
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file, database=None, media_root=None, yes=False, **options):
        try:
            manifest = backup.read_manifest(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        name = database or settings.DATABASES["default"]["NAME"]
        self.stdout.write(f"Backup of {manifest['database']!r} made {manifest['created_at']}.")
        if not yes:
            answer = input(f"Replace the contents of database {name!r} and the media with it? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            result = backup.restore(file, database=database, media_root=media_root)
        except backup.BackupError as error:
            raise CommandError(f"Nothing was restored: {error}") from error
        if result.mismatches:
            lines = [f"  {table}: backup {want}, now {got}" for table, (want, got) in result.mismatches.items()]
            raise CommandError("Restored, but row counts differ from the backup's:\n" + "\n".join(lines))
        rows = sum(result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(result.counts)} tables ({rows:,} rows, every count as in the backup) "
                f"and {result.media_files} media files into {name!r}."
            )
        )
