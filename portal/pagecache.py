"""A short cache of the public pages for anonymous visitors (a "micro-cache"): under a rush (a school's class all
opening /tours/ at once, a flyer's QR code) each process renders a page at most once per PAGE_CACHE_SECONDS.

    path("tours/", public_page(views.tour_list), name="tour-list")

Only anonymous GET/HEAD requests without a session or a pending message are served from the cache: a signed-in
user, or someone who just sent a form, always gets a fresh page. Pages with a form that posts (and so a CSRF
token) are never wrapped. The key is the full URL and the language (Django's cache_page, which also honours the
response's Vary headers). The cache is each process's own memory (CACHES["pages"]), bounded in entries; a change
shows on public pages within PAGE_CACHE_SECONDS (default 30 in production, 0 = off, off in development).
"""

from functools import wraps

from django.conf import settings
from django.views.decorators.cache import cache_page


def _personal(request) -> bool:
    names = {settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGE_COOKIE_NAME", "messages")}
    return bool(names & set(request.COOKIES))


def public_page(view):
    cached_views = {}

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD") or _personal(request):
            return view(request, *args, **kwargs)
        if seconds not in cached_views:
            cached_views[seconds] = cache_page(seconds, cache="pages", key_prefix="public")(view)
        return cached_views[seconds](request, *args, **kwargs)

    return wrapper
