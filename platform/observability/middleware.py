"""Counts and times every request by its resolved URL name (never its path or store), and
answers Prometheus's scrapes."""

import ipaddress
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django_tenants.utils import get_public_schema_name

from observability import metrics
from observability.views import metrics_view


class MetricsEndpointMiddleware:
    """``/metrics`` on the platform's host, or on a bare IP address (Prometheus scraping each
    web task at its own address: a Host header cannot be set on a scrape, and no store is ever
    named by an IP). Never on a store's host, where ``/metrics`` is an ordinary (absent) page.
    Scrapes are answered before routing and are not counted as requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/metrics" and _platform_or_address(request):
            return metrics_view(request)
        return self.get_response(request)


def _platform_or_address(request: HttpRequest) -> bool:
    try:
        host = request.get_host().lower()
    except DisallowedHost:
        return False
    if host.startswith("["):  # [2001:db8::1]:8000
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    if host == settings.PLATFORM_DOMAIN:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class RequestMetricsMiddleware:
    """``mercato_http_requests_total`` and ``mercato_http_request_duration_seconds``.

    Sits after the health checks (load balancer probes would drown the storefront's figures)
    and before the store routing, so that a request refused by the routing (an unknown host, a
    suspended store) is counted too, as ``<unresolved>``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = view_label(request)
        host = host_label(request)
        method = request.method if request.method in _KNOWN_METHODS else "other"
        metrics.REQUESTS.labels(view, method, str(response.status_code), host).inc()
        metrics.REQUEST_LATENCY.labels(view, method, host).observe(elapsed)
        return response


def view_label(request: HttpRequest) -> str:
    """The URL pattern's name (``namespace:name``) that answered, or its view's dotted path
    when the pattern has no name: a bounded set, whatever ids and slugs the paths carry."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return metrics.UNRESOLVED
    return match.view_name or metrics.UNRESOLVED


# A client may send any token as a method: anything else is counted as "other".
_KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def host_label(request: HttpRequest) -> str:
    """``platform``, ``store`` or ``unknown`` (no store answers at the host)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return "unknown"
    return "platform" if tenant.schema_name == get_public_schema_name() else "store"
