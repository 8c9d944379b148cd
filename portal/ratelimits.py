"""Rate limits of the public forms: django-ratelimit, counted per client address (portal.auth.client_ip) in the
cache that every web process shares (CACHES["shared"]: PostgreSQL by default, Redis if SHARED_CACHE_URL says so).

    @form_rate_limit("programmes.tour-request")
    def tour_request(request, pk): ...

Only POSTs count (a form with mistakes may be sent a few times); past the rate the view is not run and the
sender gets a polite page with status 429 and a Retry-After header. Nothing they typed is saved by a refused POST,
and the page says so.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from portal.auth import client_ip

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def period_seconds(rate: str) -> int:
    """The window of a django-ratelimit rate: "10/h" -> 3600, "10/5m" -> 300."""
    _count, _slash, window = rate.partition("/")
    number, unit = window[:-1], window[-1:]
    return (int(number) if number else 1) * UNITS[unit]


def _wait(seconds: int) -> str:
    if seconds <= 60:
        return _("a minute")
    if seconds <= 3600:
        return _("an hour")
    return _("a day")


def _key(group, request) -> str:
    return client_ip(request)


def throttled(request, *, group: str, rate: str | None = None, method: str = "POST") -> bool:
    """Counts this request against ``group``'s rate; True when it is over the limit."""
    return is_ratelimited(
        request, group=group, key=_key, rate=rate or settings.FORM_RATE_LIMIT, method=method, increment=True
    )


def too_many_requests(request, rate: str | None = None):
    period = period_seconds(rate or settings.FORM_RATE_LIMIT)
    response = render(request, "429.html", {"wait": _wait(period)}, status=429)
    response["Retry-After"] = str(period)
    return response


def form_rate_limit(group: str, rate: str | None = None, method: str = "POST"):
    """Decorate a public form's view: past ``rate`` (default FORM_RATE_LIMIT) POSTs per address, a 429 page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == method and throttled(request, group=group, rate=rate, method=method):
                return too_many_requests(request, rate)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
