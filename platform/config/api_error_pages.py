"""Django-level error answers that keep the API's one error shape under ``/api/``.

DRF's exception handler (config.api_errors) shapes every error a DRF view raises. These views
cover what happens before or outside a DRF view: a path or id that matches no URL pattern, a
CSRF refusal by Django's middleware, a malformed request, an unhandled exception. Under
``/api/`` they answer JSON in the one shape; on a store's host the store's own styled pages
(``storefront/404.html``, ``storefront/500.html``); on the platform's host Django's pages.
"""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt

from config.api_errors import error_body

API_PREFIX = "/api/"
logger = logging.getLogger(__name__)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error_response(*, code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


@csrf_exempt
def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """The answer of every ``/api/`` path no route claims, whatever the method (a 404, never
    the storefront's page, nor a CSRF refusal for a POST)."""
    return api_error_response(code="not_found", message="Not found.", status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(code="bad_request", message="Bad request.", status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(
            code="permission_denied",
            message="You do not have permission to perform this action.",
            status=403,
        )
    return defaults.permission_denied(request, exception)


# A store's own admin screens keep Django's pages: the storefront's are for shoppers.
_ADMIN_PREFIXES = ("/admin/", "/django-admin/")


def is_store_request(request: HttpRequest) -> bool:
    """A shopper's request to a store's host (not its admin, not the platform's host)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return False
    return not request.path.startswith(_ADMIN_PREFIXES)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_not_found(request)
    if is_store_request(request):
        # The store's own page, in its theme, with a search box: the shopper stays in the shop.
        body = render_to_string("storefront/404.html", {"request_path": request.path}, request)
        return HttpResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(
            code="server_error",
            message="Something went wrong on our side; it has been logged.",
            status=500,
        )
    if is_store_request(request):
        try:
            # Says nothing of what failed. The theme comes from the cache; if even that fails
            # (the database or Redis is what broke), the plain page below answers.
            return HttpResponse(render_to_string("storefront/500.html", {}, request), status=500)
        except Exception:
            logger.exception("the store's own error page could not be rendered")
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal (CSRF_FAILURE_VIEW). Token and API-key calls never get here:
    DRF views are exempt from the middleware and check CSRF for session callers only."""
    if is_api_request(request):
        return api_error_response(
            code="csrf_failed", message=f"CSRF check failed: {reason}", status=403
        )
    return django_csrf_failure(request, reason=reason)
