"""make backup / make restore: a backup restored into a fresh database has every table's rows, and the media."""

import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal import backup
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the reference data


@pytest.fixture
def fresh_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()
    from django.db import connections

    connections.close_all()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_a_fresh_database_with_every_row_and_the_media(tmp_path, settings, fresh_database, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "materials").mkdir(parents=True)
    (settings.MEDIA_ROOT / "materials" / "しおり.pdf").write_bytes(b"%PDF-1.7 a material")
    OrganisationFactory.create_batch(3)
    before = backup.row_counts()
    assert before["portal_organisation"] >= 3
    assert before["portal_municipality"] == 189  # the data migration's 179 municipalities + Sapporo's 10 wards

    call_command("backup", output_dir=tmp_path / "backups")
    files = list((tmp_path / "backups").glob("portal-*.tar"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    assert "Backup written" in capsys.readouterr().out

    restored_media = tmp_path / "restored-media"
    call_command("restore", files[0], database=fresh_database, media_root=restored_media, yes=True)

    assert backup.row_counts(database=fresh_database) == before == backup.read_manifest(files[0])["tables"]
    assert (restored_media / "materials" / "しおり.pdf").read_bytes() == b"%PDF-1.7 a material"
    assert "every count as in the backup" in capsys.readouterr().out


def test_restore_replaces_an_older_copy_in_one_transaction(tmp_path, settings, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    OrganisationFactory()
    path = backup.backup(tmp_path)
    backup.restore(path, database=fresh_database, media_root=tmp_path / "m")
    OrganisationFactory()  # the live database moves on; restoring again brings the copy back to the backup
    result = backup.restore(path, database=fresh_database, media_root=tmp_path / "m")
    assert result.mismatches == {}
    assert result.counts["portal_organisation"] == backup.read_manifest(path)["tables"]["portal_organisation"]


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(tmp_path, fresh_database):
    bogus = tmp_path / "portal-20260101-000000.tar"
    with tarfile.open(bogus, "w") as archive:
        archive.add(__file__, arcname="something.py")
    with pytest.raises(CommandError, match="is not a portal backup"):
        call_command("restore", bogus, database=fresh_database, yes=True)
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", Path(tmp_path / "missing.tar"), database=fresh_database, yes=True)
    assert backup.row_counts(database=fresh_database) == {}


def test_a_damaged_dump_restores_nothing(tmp_path, settings, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = backup.backup(tmp_path)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(path) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if member.name == backup.DUMP:
                content = data.read()
                content = content[: len(content) // 2]  # cut off half-way
                member.size = len(content)
                import io

                data = io.BytesIO(content)
            target.addfile(member, data)
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", damaged, database=fresh_database, yes=True)
    assert backup.row_counts(database=fresh_database) == {}
