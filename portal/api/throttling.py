"""The anonymous rate limit of the API: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] (env API_RATE_LIMIT,
e.g. ``120/min``) per client address (portal.auth.client_ip, which knows TRUSTED_PROXIES), counted in the cache
every web process shares (CACHES["shared"]), like the forms' rate limits. Over the limit: 429 with Retry-After."""

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from portal.auth import client_ip


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's AnonRateThrottle, reading its rate from the settings at each request (DRF copies the rates once at
    import, so a changed setting, such as a test's override_settings, would otherwise be ignored)."""

    @property
    def cache(self):
        return caches["shared"]

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return client_ip(request)
