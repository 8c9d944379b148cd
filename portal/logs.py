"""Structured logging: one JSON object per line in production (``LOG_FORMAT=json``), readable text in development.

Every log record made while a request is handled carries that request's id (``request_id``), taken from the
proxy's ``X-Request-ID`` header when it sends a sane one, otherwise made up; the response returns it in
``X-Request-ID``, so a user's report ("it failed at 10:42") can be matched with the server's lines.
:class:`RequestLogMiddleware` writes one line per request to the ``portal.request`` logger: method, path (without
the query string, which may hold personal data), status, duration and the user's id (never their name or
e-mail). The health check and static files are logged at DEBUG only.
"""

import contextvars
import logging
import re
import secrets
import time

from django.conf import settings

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

logger = logging.getLogger("portal.request")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SANE_ID.match(given) else secrets.token_hex(8)
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            quiet = request.path == "/healthz" or request.path.startswith(settings.STATIC_URL)
            level = logging.DEBUG if quiet else logging.INFO
            logger.log(
                level,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            _request_id.reset(token)
