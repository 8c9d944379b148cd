"""Backups: the database (``pg_dump`` custom format) and the uploaded media, in one dated ``.tar`` file.

``manage.py backup`` (``make backup``) writes ``backups/portal-YYYYMMDD-HHMMSS.tar`` holding

- ``manifest.json``: when, from which database, PostgreSQL's version and the row count of every table,
- ``database.dump``: ``pg_dump --format=custom`` of the whole database,
- ``media/...``: the uploaded files (MEDIA_ROOT).

``manage.py restore FILE`` (``make restore FILE=…``) restores both: the database in one transaction
(``pg_restore --clean --if-exists --single-transaction``: it either all lands or nothing changes), then the
media, and checks every table's row count against the manifest.

The PostgreSQL client programs come from the same installation as the server binaries that
``portal.devdb`` finds (pg_dump must be at least the server's version), or from ``PATH``.
"""

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from portal import devdb

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
FORMAT_VERSION = 1


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class Target:
    """Where a database lives: libpq connection parameters, as Django's backend would connect."""

    name: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, alias: str = "default", name: str | None = None) -> "Target":
        params = connections[alias].get_connection_params()  # NAME, USER, HOST... merged with OPTIONS
        dbname = name or params.get("dbname") or settings.DATABASES[alias]["NAME"]
        keep = {key: str(value) for key, value in params.items() if key in LIBPQ_ENV and value not in (None, "")}
        return cls(name=dbname, params=tuple(sorted(keep.items())))

    def args(self) -> list[str]:
        return ["--no-password"]

    def env(self) -> dict:
        """The environment for a client program: PGHOST, PGUSER, PGPASSWORD... (never on the command line)."""
        env = dict(os.environ)
        for key, value in self.params:
            env[LIBPQ_ENV[key]] = value
        return env

    def connect_kwargs(self) -> dict:
        return {**dict(self.params), "dbname": self.name}


#: libpq connection parameters -> the environment variables that set them
LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def client(program: str) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore)."""
    bindir = devdb._find_bindir()
    if bindir is not None and (bindir / program).exists():
        return str(bindir / program)
    found = shutil.which(program)
    if found is None:
        raise BackupError(
            f"{program} was not found. Install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client) of at least the server's version."
        )
    return found


def row_counts(alias: str = "default", *, database: str | None = None) -> dict[str, int]:
    """Every table of the public schema -> its number of rows (exact counts, not the planner's estimate)."""
    if database is None:
        connection = connections[alias]
        with connection.cursor() as cursor:
            return _count_tables(cursor)
    import psycopg

    target = Target.from_settings(alias, name=database)
    with psycopg.connect(**target.connect_kwargs(), autocommit=True) as conn, conn.cursor() as cursor:
        return _count_tables(cursor)


def _count_tables(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    tables = [row[0] for row in cursor.fetchall()]
    if not tables:
        return {}
    union = " UNION ALL ".join(
        f"SELECT %s, count(*) FROM public.{_quote(table)}"  # noqa: S608 (names from the catalogue, quoted)
        for table in tables
    )
    cursor.execute(union, tables)
    return dict(cursor.fetchall())


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def default_directory() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / "backups"))


def backup(directory: Path | None = None, *, now: dt.datetime | None = None) -> Path:
    """Write a backup file and return its path. The file appears only when complete (written aside, renamed)."""
    directory = Path(directory or default_directory())
    directory.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now().astimezone()
    path = directory / f"portal-{now:%Y%m%d-%H%M%S}.tar"
    target = Target.from_settings()
    with tempfile.TemporaryDirectory(dir=directory) as work:
        dump = Path(work) / DUMP
        _run(
            [client("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump), *target.args(), target.name],
            target,
            "pg_dump",
        )
        connection = connections["default"]
        connection.ensure_connection()
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": now.isoformat(timespec="seconds"),
            "database": target.name,
            "server_version": connection.pg_version,
            "tables": row_counts(),
        }
        partial = Path(work) / (path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=DUMP)
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                archive.add(media_root, arcname=MEDIA)
        partial.chmod(0o600)  # it holds personal data
        partial.replace(path)
    return path


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.load(member)
            archive.getmember(DUMP)
    except FileNotFoundError:
        raise BackupError(f"No such file: {path}") from None
    except (tarfile.TarError, KeyError, json.JSONDecodeError):
        raise BackupError(f"{path} is not a portal backup (made by 'manage.py backup').") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{path} has backup format {manifest.get('format')!r}; this portal reads {FORMAT_VERSION}.")
    return manifest


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    media_files: int

    @property
    def mismatches(self) -> dict[str, tuple[int | None, int | None]]:
        expected = self.manifest["tables"]
        return {
            table: (expected.get(table), self.counts.get(table))
            for table in sorted(set(expected) | set(self.counts))
            if expected.get(table) != self.counts.get(table)
        }


def restore(path: Path, *, database: str | None = None, media_root: Path | None = None) -> RestoreResult:
    """Restore a backup into ``database`` (default: the configured one) and ``media_root`` (default: MEDIA_ROOT).

    The database must exist (it may be empty or hold an older copy of the portal: its objects are replaced).
    """
    path = Path(path)
    manifest = read_manifest(path)
    target = Target.from_settings(name=database)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r") as archive:
        archive.extract(DUMP, work, filter="data")
        connections.close_all()  # pg_restore --clean needs no open sessions holding locks on our tables
        _run(
            [
                client("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                target.name,
                *target.args(),
                str(Path(work) / DUMP),
            ],
            target,
            "pg_restore",
        )
        media = [m for m in archive.getmembers() if m.name == MEDIA or m.name.startswith(MEDIA + "/")]
        files = 0
        if media:
            staging = Path(work) / "extracted"
            archive.extractall(staging, members=media, filter="data")
            media_root.mkdir(parents=True, exist_ok=True)
            for source in (staging / MEDIA).rglob("*"):
                if source.is_file():
                    destination = media_root / source.relative_to(staging / MEDIA)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, destination)
                    files += 1
    counts = row_counts(database=target.name)
    return RestoreResult(manifest=manifest, counts=counts, media_files=files)


def _run(command: list[str], target: Target, what: str) -> None:
    result = subprocess.run(  # noqa: S603 (our own program paths and arguments)
        command, env=target.env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
