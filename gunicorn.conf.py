"""gunicorn's settings, read when gunicorn starts in the project directory (`make serve-prod`, the systemd unit).

Workers: WEB_CONCURRENCY processes (default 2 × CPU cores + 1, gunicorn's own advice), each with GUNICORN_THREADS
threads (default 4), so a slow PDF does not hold up the pages. Each thread keeps its PostgreSQL connection open
(CONN_MAX_AGE), so the database must allow workers × threads connections per web server, plus the task workers.
Every web process is stateless: add servers behind the load balancer to scale out.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Slow clients (phones on mobile networks) are buffered by the reverse proxy in front, not by gunicorn.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # the 1,000-tour PDF takes about 6 s
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then (WeasyPrint's caches grow with every PDF), but rarely: a restart stalls the
# worker's requests for a second or two, which shows in the slowest percent of response times under load.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50_000))
max_requests_jitter = max_requests // 10
# The portal writes one structured line per request itself (portal/logs.py); gunicorn's own errors go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Which proxies may set X-Forwarded-Proto (comma-separated addresses; the proxy on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "monozukuri-portal"
