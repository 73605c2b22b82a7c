"""Request plumbing that runs before a request is routed to a store."""

import re
import uuid

from django.http import HttpRequest, HttpResponse

from config import health
from config.client_ip import client_ip
from config.logging import client_ip_var, request_id_var

# A caller-supplied request id is kept only when it is short and plain (it ends up in logs).
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Give every request an id (the caller's X-Request-ID, or a new one) for logs and replies,
    and note its client IP (config.client_ip) for the logs and the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs the response after the middleware returns, and
        # the next request on this thread or task sets its own id first.
        request_id_var.set(request_id)
        client_ip_var.set(client_ip(request) or "-")
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class HealthCheckMiddleware:
    """Answer /healthz and /readyz whatever the Host header: load balancers probe by IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return health.liveness(request)
        if request.path == "/readyz":
            return health.readiness(request)
        return self.get_response(request)
