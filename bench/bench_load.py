"""Load test of the production stack (issue 10): gunicorn (gunicorn.conf.py, WEB_CONCURRENCY=2, gthread) on a free
loopback port, driven from other processes with persistent (keep-alive) connections.

GET endpoints: 50 concurrent connections for DURATION s each, with wrk when it is installed (Debian: apt-get install
wrk), else a Python generator (threads, one keep-alive http.client connection each). Measured: requests/s, p50, p99
and errors (connection errors, timeouts, status >= 400) of
    /__hello          hello world answered by the WSGI wrapper itself (bench/hello_wsgi.py), before Django
    /__hello_django   hello-world Django view behind the portal's whole middleware stack
    /  ·  /tours/?filters  ·  /events/<id>/  ·  /map/features.geojson
Sign-ups: 200 clients, each with its own cookies and CSRF token (GET the form first), POST at once to one
experience-event session made for the run (capacity 120, waiting list on); 10 of them reuse another client's
address, so exactly 10 must be refused politely. Then: no 5xx, seats_taken <= capacity, confirmed + waitlisted =
200 - refused duplicates. The session, its registrations and the mail tasks they queued are deleted afterwards.

The server runs on its own database (LOAD_DATABASE_URL, default portal_bench_load on the development cluster),
created, migrated and seeded (`seed_demo --tours 10000`) when missing, so no other database is written to. Its
environment is the production one of scripts/serve-prod, plus FORM_RATE_LIMIT=100000/h (all 200 clients share
127.0.0.1, which the sign-up form limits to 10 POSTs an hour by default). TASKS_BACKEND stays "database": a
sign-up queues its mail in PostgreSQL, no task worker runs. Everything is bounded in time; gunicorn is stopped in
a finally.

Targets: /tours/ at >= 40 % of the hello-world view's requests/s in the same run, no errors at 50 clients, p99 <=
250 ms for HTML pages at 50 clients.

    .venv/bin/python bench/bench_load.py      (this benchmark alone; also part of bench/run.py and make bench)
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.harness import Result  # noqa: E402

PY = str(BASE_DIR / ".venv" / "bin" / "python")
GUNICORN = str(BASE_DIR / ".venv" / "bin" / "gunicorn")
CLIENTS = 50
DURATION = 10  # seconds per endpoint
SIGN_UPS = 200
DUPLICATES = 10  # of the 200 reuse an e-mail address of another client
CAPACITY = 120
TOURS_QUERY = "subprefecture=okhotsk&audience=junior_high&industry=machinery"
HELLO_RATIO = 0.40
MAX_P99_HTML = 250.0

WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('JSON{"requests": %d, "seconds": %f, "p50": %f, "p99": %f, "errors": %d, ' ..
    '"kinds": "connect %d, read %d, write %d, status %d, timeout %d"}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


class AtLeast(Result):
    @property
    def passed(self) -> bool:
        return self.value >= self.target


def _dev_socket() -> str:
    from portal import devdb

    return str(devdb.socket_dir())


def database_url() -> str:
    return os.environ.get("LOAD_DATABASE_URL") or f"postgres:///portal_bench_load?host={_dev_socket()}&user=postgres"


def _env(database: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        DATABASE_URL=database,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        PORTAL_BASE_URL="https://localhost",
        EMAIL_URL="console://",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        FORM_RATE_LIMIT="100000/h",
        WEB_CONCURRENCY="2",
        GUNICORN_LOG_LEVEL="warning",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def _manage(env: dict, *args: str, timeout: float = 900) -> str:
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _shell(env: dict, code: str) -> dict:
    """Run Django code against the bench database in a subprocess; it prints one JSON line."""
    return json.loads(_manage(env, "shell", "-c", code, timeout=120).strip().splitlines()[-1])


def prepare(env: dict) -> None:
    """Create, migrate and seed the bench database when needed; collect the static files."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(env["DATABASE_URL"])
    name, query = parts.path.lstrip("/"), parse_qs(parts.query)
    host, user = query.get("host", [parts.hostname or ""])[0], query.get("user", [parts.username or "postgres"])[0]
    listed = subprocess.run(
        ["psql", "-h", host, "-U", user, "-d", "postgres", "-Atc", "SELECT datname FROM pg_database"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if name not in listed.stdout.split():
        subprocess.run(["createdb", "-h", host, "-U", user, name], check=True, timeout=60)
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    tours = _shell(
        env, "import json; from programmes.models import FactoryTour; print(json.dumps(FactoryTour.objects.count()))"
    )
    if tours < 10000:
        _manage(env, "seed_demo", "--tours", "10000", timeout=1800)
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")


SESSION_CODE = """
import datetime as dt, json
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from portal.booking.models import Session
from portal.choices import ListingStatus
from portal.models import Municipality
from programmes.models import ExperienceEvent
event = ExperienceEvent.objects.filter(status=ListingStatus.PUBLISHED).order_by("pk").first()
starts = timezone.now() + dt.timedelta(days=30)
session = Session.objects.create(
    offering_type=ContentType.objects.get_for_model(ExperienceEvent), offering_id=event.pk, label="load bench",
    starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue_name="ベンチマーク会場",
    municipality=Municipality.objects.get(code="012084"), capacity=%d, max_party_size=1, waitlist_enabled=True,
)
print(json.dumps({"event": event.pk, "session": session.pk}))
"""

CHECK_CODE = """
import json
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from portal.booking.models import Registration, Session
session = Session.objects.get(pk=%d)
statuses = dict(Registration.objects.filter(session=session).values_list("status").annotate(n=Count("pk")))
out = {"capacity": session.capacity, "seats_taken": session.seats_taken, "statuses": statuses}
Registration.objects.filter(session=session).delete()
session.history.all().delete()
session.delete()
out["tasks_deleted"] = DBTaskResult.objects.filter(enqueued_at__gte="%s").delete()[0]
print(json.dumps(out))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None, timeout: float = 30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _wait_ready(port: int, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if _get(port, "/__hello", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time")


# --- GET load --------------------------------------------------------------------------------------------------


def _wrk(port: int, path: str, lua: str) -> dict:
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CLIENTS}",
            f"-d{DURATION}s",
            "--timeout",
            "10s",
            "-s",
            lua,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=DURATION + 30,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("JSON"))
    figures = json.loads(line[4:])
    return {
        "rps": figures["requests"] / figures["seconds"],
        "p50": figures["p50"],
        "p99": figures["p99"],
        "errors": figures["errors"],
        "requests": figures["requests"],
        "kinds": figures["kinds"],
    }


def _python_load(port: int, path: str) -> dict:
    """Fallback without wrk: CLIENTS threads, each with one keep-alive connection, for DURATION seconds."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + DURATION

    def client():
        conn, mine, bad = None, [], 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                bad += 1
                conn = None
                continue
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DURATION + 30)
    seconds = time.monotonic() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("inf")  # noqa: E731
    return {
        "rps": len(latencies) / seconds,
        "p50": pick(0.50),
        "p99": pick(0.99),
        "errors": errors[0],
        "requests": len(latencies),
    }


# --- Sign-ups --------------------------------------------------------------------------------------------------

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _sign_ups(port: int, session_id: int) -> dict:
    path = f"/sessions/{session_id}/signup/"
    barrier = threading.Barrier(SIGN_UPS + 1, timeout=120)
    outcomes: list[tuple[int, float, bytes]] = [None] * SIGN_UPS  # type: ignore[list-item]

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                page = response.read()
                cookies = "; ".join(
                    value.split(";", 1)[0] for key, value in response.getheaders() if key.lower() == "set-cookie"
                )
                token = TOKEN.search(page).group(1).decode()
            finally:
                barrier.wait()
            address = n - (SIGN_UPS - DUPLICATES) if n >= SIGN_UPS - DUPLICATES else n  # the last 10 reuse 0–9
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "kind": "family",
                    "contact_name": f"負荷{n}",
                    "contact_kana": "フカ",
                    "email": f"load-{address}@example.invalid",
                    "phone": "0157-00-0000",
                    "child_1": "e5",
                    "adults": "0",
                    "consent": "on",
                }
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies}
            # like a browser after the visitor has filled in the form: the GET's keep-alive connection has
            # expired meanwhile (gunicorn's keepalive is 5 s), so the POST opens its own
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            start = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            page = response.read()
            outcomes[n] = (response.status, (time.perf_counter() - start) * 1000, page)
        except Exception as error:  # reported as an error below
            outcomes[n] = (0, 0.0, repr(error).encode())
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(SIGN_UPS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join(120)
    elapsed = time.perf_counter() - start
    statuses: dict[int, int] = {}
    for status, _ms, _page in outcomes:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(ms for status, ms, _page in outcomes if status)
    failed = [page for status, _ms, page in outcomes if status == 0 or status >= 500]
    if failed:
        print(f"  sign-ups: {len(failed)} failed, first: {failed[0][:300]!r}")
    refused = sum(
        1
        for status, _ms, page in outcomes
        if (status == 200 and b"already registered" in page.lower()) or (status == 200 and "既に".encode() in page)
    )
    return {
        "statuses": statuses,
        "seconds": elapsed,
        "p50": statistics.median(latencies) if latencies else float("inf"),
        "p99": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else float("inf"),
        "refused_200": statuses.get(200, 0),
        "refused_duplicate_text": refused,
    }


# --- The benchmark ---------------------------------------------------------------------------------------------


def load() -> list[Result]:
    env = _env(database_url())
    prepare(env)
    port = _free_port()
    env["BIND"] = f"127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    lua = tmp / "report.lua"
    lua.write_text(WRK_LUA)
    use_wrk = shutil.which("wrk") is not None
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    ids = _shell(env, SESSION_CODE % CAPACITY)
    with open(tmp / "gunicorn.log", "w") as server_log:
        server = subprocess.Popen(
            [GUNICORN, "bench.hello_wsgi:application"],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
        )
    rows: dict[str, dict] = {}
    results: list[Result] = []
    try:
        _wait_ready(port, server, time.monotonic() + 60)
        endpoints = [
            ("hello (WSGI, no Django)", "/__hello", False),
            ("hello (Django view)", "/__hello_django", False),
            ("/", "/", True),
            ("/tours/ filtered", f"/tours/?{TOURS_QUERY}", True),
            (f"/events/{ids['event']}/", f"/events/{ids['event']}/", True),
            ("/map/features.geojson", "/map/features.geojson", False),
        ]
        for label, path, _html in endpoints:
            status, headers, _body = _get(port, path)
            if status in (301, 302):  # e.g. a language prefix: measure the page itself
                path = headers["Location"]
            # warm every worker (each has its own page cache): a burst of simultaneous requests reaches them all,
            # as the steady traffic of a running server would have
            with ThreadPoolExecutor(16) as pool:
                list(pool.map(lambda _n, path=path: _get(port, path), range(32)))
            rows[label] = (_wrk(port, path, str(lua)) if use_wrk else _python_load(port, path)) | {"path": path}
        signups = _sign_ups(port, ids["session"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
        check = _shell(env, CHECK_CODE % (ids["session"], started))
    log = (tmp / "gunicorn.log").read_text()
    shutil.rmtree(tmp, ignore_errors=True)

    tool = "wrk" if use_wrk else "python keep-alive threads"
    print(
        f"load: gunicorn 2 workers × {env.get('GUNICORN_THREADS', '4')} threads, {tool}, "
        f"{CLIENTS} clients × {DURATION} s"
    )
    print(f"  {'endpoint':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'requests':>9}")
    for label, row in rows.items():
        print(
            f"  {label:<28} {row['rps']:>8.1f} {row['p50']:>8.1f} {row['p99']:>8.1f} {row['errors']:>7}"
            f" {row['requests']:>9}" + (f"  ({row['kinds']})" if row["errors"] and "kinds" in row else "")
        )
    statuses = signups["statuses"]
    confirmed = check["statuses"].get("confirmed", 0)
    waitlisted = check["statuses"].get("waitlisted", 0)
    print(
        f"  sign-ups: {SIGN_UPS} at once in {signups['seconds']:.1f} s ({SIGN_UPS / signups['seconds']:.1f}/s), "
        f"p50 {signups['p50']:.0f} ms, p99 {signups['p99']:.0f} ms; HTTP statuses {statuses}; "
        f"confirmed {confirmed}, waitlisted {waitlisted}, seats {check['seats_taken']}/{check['capacity']}; "
        f"{check['tasks_deleted']} queued mail tasks removed"
    )
    server_errors = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]
    if server_errors:
        print(f"  gunicorn log: {len(server_errors)} error lines, first: {server_errors[0]}")

    hello = rows["hello (Django view)"]["rps"]
    tours = rows["/tours/ filtered"]["rps"]
    print(
        f"  /tours/ vs hello: {tours / hello:.0%} of the Django hello view, "
        f"{tours / rows['hello (WSGI, no Django)']['rps']:.1%} of the bare WSGI hello"
    )
    results.append(AtLeast("load: /tours/ req/s ÷ hello-world view req/s", 100 * tours / hello, 100 * HELLO_RATIO, "%"))
    for label, row in rows.items():
        results.append(AtLeast(f"load: {label} req/s", row["rps"], 0, "/s"))
        results.append(Result(f"load: {label} errors at {CLIENTS} clients", row["errors"], 0, "#"))
        html = any(label == name and is_html for name, _p, is_html in endpoints)
        results.append(Result(f"load: {label} p99", row["p99"], MAX_P99_HTML if html else float("inf"), "ms"))
    server_side = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
    results.append(Result("load: sign-ups, 5xx or failed requests", server_side, 0, "#"))
    results.append(Result("load: sign-ups, seats_taken over capacity", max(0, check["seats_taken"] - CAPACITY), 0, "#"))
    expected = SIGN_UPS - DUPLICATES
    results.append(
        Result("load: sign-ups, |confirmed+waitlisted - (200-dup)|", abs(confirmed + waitlisted - expected), 0, "#")
    )
    results.append(Result("load: sign-ups, |confirmed - capacity|", abs(confirmed - CAPACITY), 0, "#"))
    return results


BENCHMARKS = [load]


if __name__ == "__main__":
    failures = 0
    for result in load():
        failures += not result.passed
        print(
            f"{result.name:<56} {result.value:>9.1f} {result.unit:<2} {result.target:>9.1f} {result.unit:<2}"
            f"  {'ok' if result.passed else 'MISSED'}"
        )
    sys.exit(1 if failures else 0)
