"""The store's URLs plus probe endpoints declaring API key scopes, as the catalog and
orders endpoints of later issues will: they let the tests exercise each scope today."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import RequiresPermission
from config.urls_tenant import urlpatterns as store_urlpatterns


class Probe(APIView):
    permission_classes = [RequiresPermission]
    required_permissions: dict = {}
    api_key_scopes: dict = {}
    company_key_scopes: dict = {}

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"ok": True}, status=201)


class CatalogProbe(Probe):
    required_permissions = {"GET": "catalog.view_product"}
    api_key_scopes = {"GET": "catalog:read"}


class OrdersProbe(Probe):
    """As the orders endpoints: a company's key places and reads its company's orders."""

    required_permissions = {"GET": "orders.view_order", "POST": "b2b.place_orders"}
    api_key_scopes = {"GET": "orders:read", "POST": "orders:place"}
    company_key_scopes = {"GET": "orders:read", "POST": "orders:place"}


urlpatterns = [
    path("api/v1/probe/catalog/", CatalogProbe.as_view()),
    path("api/v1/probe/orders/", OrdersProbe.as_view()),
    *store_urlpatterns,
]
