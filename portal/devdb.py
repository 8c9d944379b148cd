"""The project-local PostgreSQL cluster used when ``DATABASE_URL`` is unset.

``make run`` and ``make test`` call ``python -m portal.devdb start``; settings call :func:`url`.
The cluster lives in ``.pg/`` (git-ignored), listens on a Unix socket only (in a short path under
/tmp, because socket paths are limited to ~100 bytes) and is reused across runs. PostgreSQL refuses
to run as root, so as root the server runs as the ``postgres`` system user.

Usage: python -m portal.devdb start|stop|status|url
This module must not import Django: settings import it.
"""

import fcntl
import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
PG_DIR = BASE_DIR / ".pg"
DATA_DIR = PG_DIR / "data"
LOG_FILE = PG_DIR / "server.log"
DB_NAME = "portal"
DB_USER = "postgres"
SERVER_USER = "postgres"  # system user that runs the server when we are root


class DevDBError(RuntimeError):
    pass


def socket_dir() -> Path:
    digest = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:10]
    return Path("/tmp") / f"mzp-{digest}"  # noqa: S108 - short on purpose; 0700, owned by the server user


def url() -> str:
    """A libpq connection URI of the development database (for psql)."""
    return f"postgresql:///{DB_NAME}?host={quote(str(socket_dir()))}&user={DB_USER}"


def django_database() -> dict:
    """Django's DATABASES entry for the development database."""
    return {"ENGINE": "django.db.backends.postgresql", "NAME": DB_NAME, "USER": DB_USER, "HOST": str(socket_dir())}


def _as_root() -> bool:
    return os.geteuid() == 0


def _find_bindir() -> Path | None:
    def major(initdb: str) -> int:
        name = Path(initdb).parent.parent.name
        return int(name) if name.isdigit() else 0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=major)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _bindir() -> Path:
    bindir = _find_bindir()
    if bindir is None and _as_root() and shutil.which("apt-get"):
        print("PostgreSQL binaries not found: installing Debian's postgresql package…", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env)
        bindir = _find_bindir()
    if bindir is None:
        raise DevDBError(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them, e.g. "
            "'sudo apt-get install postgresql' (Debian/Ubuntu) or 'brew install postgresql@16' (macOS), "
            "or set DATABASE_URL to a server you already have."
        )
    return bindir


def _server_cmd(args: list[str]) -> list[str]:
    """Prefix a server-side command so that it runs as the postgres user when we are root."""
    return ["runuser", "-u", SERVER_USER, "--", *args] if _as_root() else args


def _ensure_server_user() -> None:
    if not _as_root():
        return
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", SERVER_USER], check=True)


def _chown(path: Path) -> None:
    if _as_root():
        shutil.chown(path, SERVER_USER, SERVER_USER)


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, text=True, capture_output=True, **kwargs)


def _initdb(bindir: Path) -> None:
    PG_DIR.mkdir(exist_ok=True)
    _chown(PG_DIR)
    if _as_root() and _run(["runuser", "-u", SERVER_USER, "--", "test", "-w", str(PG_DIR)]).returncode:
        raise DevDBError(
            f"The postgres user cannot write to {PG_DIR} (a parent directory is not accessible). "
            "Move the checkout somewhere world-readable, or set DATABASE_URL."
        )
    result = _run(
        _server_cmd(
            [
                str(bindir / "initdb"),
                "-D",
                str(DATA_DIR),
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-U",
                DB_USER,
                "--auth=trust",
            ]
        )
    )
    if result.returncode:
        raise DevDBError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
    with open(DATA_DIR / "postgresql.conf", "a") as conf:
        conf.write(
            "\n# Monozukuri Portal development cluster (portal/devdb.py)\n"
            "listen_addresses = ''\n"
            "synchronous_commit = off\n"
            "max_connections = 200\n"
        )


def is_running(bindir: Path | None = None) -> bool:
    if not (DATA_DIR / "PG_VERSION").exists():
        return False
    bindir = bindir or _bindir()
    return _run(_server_cmd([str(bindir / "pg_ctl"), "-D", str(DATA_DIR), "status"])).returncode == 0


def start() -> None:
    PG_DIR.mkdir(exist_ok=True)
    with open(PG_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        bindir = _bindir()
        _ensure_server_user()
        if not (DATA_DIR / "PG_VERSION").exists():
            print(f"Creating the development PostgreSQL cluster in {DATA_DIR} …", flush=True)
            _initdb(bindir)
        if not is_running(bindir):
            sock = socket_dir()
            sock.mkdir(mode=0o700, exist_ok=True)
            _chown(sock)
            LOG_FILE.touch()
            _chown(LOG_FILE)
            result = _run(
                _server_cmd(
                    [
                        str(bindir / "pg_ctl"),
                        "-D",
                        str(DATA_DIR),
                        "-l",
                        str(LOG_FILE),
                        "-w",
                        "-o",
                        f"-k {sock} -c listen_addresses=''",
                        "start",
                    ]
                )
            )
            if result.returncode:
                log_tail = LOG_FILE.read_text(errors="replace")[-2000:]
                raise DevDBError(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{log_tail}")
        exists = _run(
            [
                str(bindir / "psql"),
                "-h",
                str(socket_dir()),
                "-U",
                DB_USER,
                "-d",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
            ]
        )
        if exists.returncode:
            raise DevDBError(f"Cannot connect to the development cluster:\n{exists.stderr}")
        if exists.stdout.strip() != "1":
            created = _run([str(bindir / "createdb"), "-h", str(socket_dir()), "-U", DB_USER, DB_NAME])
            if created.returncode:
                raise DevDBError(f"createdb failed:\n{created.stderr}")


def stop() -> None:
    if is_running():
        subprocess.run(_server_cmd([str(_bindir() / "pg_ctl"), "-D", str(DATA_DIR), "-m", "fast", "stop"]), check=True)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    try:
        if command == "start":
            start()
            print(f"Development database ready: {url()}")
        elif command == "stop":
            stop()
        elif command == "status":
            running = is_running()
            print("running" if running else "stopped")
            return 0 if running else 3
        elif command == "url":
            print(url())
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except DevDBError as exc:
        print(f"portal.devdb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
