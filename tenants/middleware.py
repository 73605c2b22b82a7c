"""Route each request to its store's schema by host name."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name
from wagtail.contrib.redirects.middleware import RedirectMiddleware

from config.api_error_pages import api_error_response, is_api_request
from tenants.models import Tenant
from tenants.routing import live_store_for_host


class StoreRoutingMiddleware(TenantMainMiddleware):
    """The root domain is the platform (public schema); ``<slug>.<root>`` is a store.

    A malformed or foreign host gets 400; a host that is no store gets a helpful 404 page; a
    suspended store answers 503 with a friendly page. Its data is never touched. Under
    ``/api/`` each of these answers is JSON, in the API's one error shape.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # The connection may still be set to the previous request's schema. The store lookup
        # names its public tables in full, so it runs under any search path; every way out of
        # here sets the schema this request works in before anything else queries. A run of
        # requests to one store so pays no `SET search_path` at all (TENANT_LIMIT_SET_CALLS),
        # where switching to public and back cost two round trips per request.
        try:
            hostname = self.hostname_from_request(request).lower()
        except DisallowedHost:
            connection.set_schema_to_public()
            if is_api_request(request):
                return api_error_response(code="bad_request", message="Bad request.", status=400)
            return render(request, "400.html", status=400)

        if hostname == settings.PLATFORM_DOMAIN:
            connection.set_schema_to_public()
            request.tenant = Tenant(schema_name="public", name="Mercato", slug="")
            self.setup_url_routing(request)
            return None

        tenant = live_store_for_host(hostname)
        if tenant is None:
            connection.set_schema_to_public()
            return self.no_tenant_found(request, hostname)
        if tenant.status == Tenant.Status.SUSPENDED and not _open_while_suspended(request.path):
            connection.set_schema_to_public()
            if is_api_request(request):
                return api_error_response(
                    code="store_suspended", message="This store is suspended.", status=503
                )
            return render(request, "tenants/store_suspended.html", {"store": tenant}, status=503)

        tenant.domain_url = hostname
        request.tenant = tenant
        _route_connection_to(tenant)
        self.setup_url_routing(request)
        return None

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        if is_api_request(request):
            return api_error_response(
                code="store_not_found", message="No store answers at this address.", status=404
            )
        return render(
            request,
            "tenants/store_not_found.html",
            {"hostname": hostname},
            status=404,
        )


# A suspended store's staff can still sign in to its admin (which says why the store is
# suspended) and pay; shoppers get the 503 page everywhere else. Staff sign in on allauth's
# pages (the admin's own login forms send them there), so those pages stay open too.
_OPEN_WHILE_SUSPENDED = (
    "/admin/",
    "/django-admin/",
    "/api/v1/billing/",
    "/api/v1/auth/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/password/reset/",
)


def _route_connection_to(tenant: Tenant) -> None:
    """Point the connection at ``tenant``'s schema.

    ``set_tenant`` forgets the search path already set, so the next query would set it again
    even when the previous request was this store's: keep it when the schema is the same and
    the path is set (TENANT_LIMIT_SET_CALLS; a rollback or a new connection forgets it).
    """
    if (
        connection.schema_name == tenant.schema_name
        and connection.include_public_schema
        and connection.search_path_set_schemas
    ):
        connection.tenant = tenant
        return
    connection.set_tenant(tenant)


def _open_while_suspended(path: str) -> bool:
    return path.startswith(_OPEN_WHILE_SUSPENDED)


class StoreRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects (a 404 answered by a redirect the merchant set up), for stores only.

    Redirects and Wagtail sites are store tables: the platform's public schema has neither, so
    the platform host's 404s stay 404s instead of querying tables that are not there.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.schema_name == get_public_schema_name():
            return response
        return super().process_response(request, response)
