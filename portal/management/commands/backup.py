"""manage.py backup [--output-dir DIR]: the database and the uploaded media in one dated file (portal/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the uploaded media into one dated .tar file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", type=Path, default=None, help="Where to write the file (default: BACKUP_DIR, ./backups)."
        )

    def handle(self, *args, output_dir=None, **options):
        try:
            path = backup.backup(output_dir)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backup.read_manifest(path)
        rows = sum(manifest["tables"].values())
        size = path.stat().st_size / 1e6
        self.stdout.write(f"Backup written: {path} ({size:.1f} MB; {len(manifest['tables'])} tables, {rows:,} rows).")
