"""``/metrics`` for Prometheus (observability.middleware serves it on the platform's host and
on bare IP addresses, never on a store's host): never open to the world.

A scrape is let in when it carries ``Authorization: Bearer <METRICS_TOKEN>`` or comes from an
address in ``METRICS_ALLOWED_NETWORKS`` (config.client_ip decides the address). With neither
set, ``/metrics`` is not served at all (404).
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from config.client_ip import client_ip
from observability import metrics


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The exposition text of every process's metrics (observability.metrics)."""
    token = settings.METRICS_TOKEN
    networks = settings.METRICS_ALLOWED_NETWORKS
    if not token and not networks:
        return HttpResponse("Not found.\n", status=404, content_type="text/plain")
    if not (_has_token(request, token) or _from_allowed_network(request, networks)):
        response = HttpResponse("Unauthorized.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.render()
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def _has_token(request: HttpRequest, token: str) -> bool:
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def _from_allowed_network(request: HttpRequest, networks: list[str]) -> bool:
    address = client_ip(request)
    if not networks or not address:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)
