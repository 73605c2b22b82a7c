"""DRF throttles that identify a client by :func:`config.client_ip.client_ip`.

DRF's own ``get_ident`` reads the whole ``X-Forwarded-For`` header when ``NUM_PROXIES`` is unset,
so a client that varies the header is a new client each time; every throttle of ours is keyed by
the one client-IP function instead.
"""

from rest_framework import throttling

from config.client_ip import client_ip


class ClientIpIdentMixin:
    """Identify anonymous clients by the trusted client IP (``TRUSTED_PROXY_COUNT``)."""

    def get_ident(self, request) -> str:
        return client_ip(request)


class ScopedRateThrottle(ClientIpIdentMixin, throttling.ScopedRateThrottle):
    """DRF's scoped throttle (``throttle_scope`` on a view), per user or per client IP."""
