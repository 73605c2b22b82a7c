from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from config.throttles import ClientIpIdentMixin


class SignupThrottle(ClientIpIdentMixin, SimpleRateThrottle):
    """Signups per client IP (``SIGNUP_RATE``, e.g. ``10/hour``), for the page and the API."""

    scope = "signup"

    def get_rate(self) -> str:
        return settings.SIGNUP_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
