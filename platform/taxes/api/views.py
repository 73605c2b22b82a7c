"""Taxes API (staff): classes, rates and the store's tax settings under /api/v1/taxes/.

The owner manages them (``taxes.manage_taxes``); catalog and order managers and support read
them (``taxes.view_taxsettings``). Views validate input, call one service or selector, and
serialize.
"""

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.permissions import RequiresPermission
from accounts.permissions import MANAGE_TAXES, VIEW_TAXES
from config.api_input import check_query_parameters
from config.pagination import BoundedPageSize
from taxes import selectors, services
from taxes.api import serializers
from taxes.models import TaxRate

PERMISSIONS = {"GET": VIEW_TAXES, "POST": MANAGE_TAXES, "PATCH": MANAGE_TAXES}
DETAIL_PERMISSIONS = {**PERMISSIONS, "DELETE": MANAGE_TAXES}
CONFLICT = OpenApiResponse(
    description="The default tax class: it is never deleted, and stops being the default only "
    "when another class is made the default (code `default_tax_class`)."
)


class TaxPagination(BoundedPageSize, CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "id"


def _get(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- Classes -----------------------------------------------------------------------------------

CLASS_EXAMPLE = OpenApiExample(
    "A reduced rate class",
    value={"name": "Reduced", "is_default": False, "is_exempt": False},
    request_only=True,
)


@extend_schema(tags=["taxes"])
@extend_schema_view(
    post=extend_schema(examples=[CLASS_EXAMPLE], responses={201: serializers.TaxClassSerializer}),
)
class TaxClassListView(GenericAPIView):
    """The store's tax classes (the default first); POST adds one."""

    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = serializers.TaxClassSerializer
    pagination_class = TaxPagination

    def get_queryset(self):
        return selectors.tax_class_list()

    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tax_class = services.create_tax_class(**serializer.validated_data)
        body = self.get_serializer(_get(self.get_queryset(), tax_class.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["taxes"])
@extend_schema_view(
    patch=extend_schema(
        examples=[
            OpenApiExample(
                "Make it the default class", value={"is_default": True}, request_only=True
            )
        ],
        responses={200: serializers.TaxClassSerializer, 409: CONFLICT},
    ),
    delete=extend_schema(responses={204: None, 409: CONFLICT}),
)
class TaxClassDetailView(GenericAPIView):
    """One tax class. Deleting it deletes its rates; its products fall back to the default
    class."""

    permission_classes = [RequiresPermission]
    required_permissions = DETAIL_PERMISSIONS
    serializer_class = serializers.TaxClassSerializer

    def get_queryset(self):
        return selectors.tax_class_list()

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_get(self.get_queryset(), pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        tax_class = _get(self.get_queryset(), pk)
        serializer = self.get_serializer(tax_class, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_tax_class(tax_class=tax_class, data=dict(serializer.validated_data))
        return Response(self.get_serializer(_get(self.get_queryset(), pk)).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.delete_tax_class(tax_class=_get(self.get_queryset(), pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Rates -------------------------------------------------------------------------------------

RATE_EXAMPLES = [
    OpenApiExample(
        "France, standard VAT",
        value={"tax_class": 1, "country": "FR", "region": "", "rate": "20", "name": "TVA 20%"},
        request_only=True,
    ),
    OpenApiExample(
        "California sales tax (overrides the US rate there)",
        value={
            "tax_class": 1,
            "country": "US",
            "region": "CA",
            "rate": "7.25",
            "name": "CA sales tax 7.25%",
        },
        request_only=True,
    ),
]


@extend_schema(tags=["taxes"])
@extend_schema_view(
    get=extend_schema(parameters=[serializers.TaxRateFiltersSerializer]),
    post=extend_schema(examples=RATE_EXAMPLES, responses={201: serializers.TaxRateSerializer}),
)
class TaxRateListView(GenericAPIView):
    """The store's tax rates (``?tax_class=`` and ``?country=`` filter them); POST adds one."""

    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = serializers.TaxRateSerializer
    pagination_class = TaxPagination

    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        filters = serializers.TaxRateFiltersSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rates = selectors.tax_rate_list(
            tax_class_id=filters.validated_data.get("tax_class"),
            country=filters.validated_data.get("country", ""),
        )
        page = self.paginate_queryset(rates)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tax_rate = services.create_tax_rate(**serializer.validated_data)
        return Response(self.get_serializer(tax_rate).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["taxes"])
@extend_schema_view(
    patch=extend_schema(
        examples=[OpenApiExample("A new rate", value={"rate": "21"}, request_only=True)]
    ),
    delete=extend_schema(responses={204: None}),
)
class TaxRateDetailView(GenericAPIView):
    """One tax rate."""

    permission_classes = [RequiresPermission]
    required_permissions = DETAIL_PERMISSIONS
    serializer_class = serializers.TaxRateSerializer

    def get_queryset(self):
        return TaxRate.objects.select_related("tax_class")

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_get(self.get_queryset(), pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        tax_rate = _get(self.get_queryset(), pk)
        serializer = self.get_serializer(tax_rate, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        tax_rate = services.update_tax_rate(tax_rate=tax_rate, data=dict(serializer.validated_data))
        return Response(self.get_serializer(tax_rate).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.delete_tax_rate(tax_rate=_get(self.get_queryset(), pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Settings ----------------------------------------------------------------------------------


@extend_schema(tags=["taxes"])
@extend_schema_view(
    patch=extend_schema(
        examples=[
            OpenApiExample(
                "An EU store: gross prices, shown with tax",
                value={"prices_entered_with_tax": True, "display_prices_with_tax": True},
                request_only=True,
            ),
            OpenApiExample(
                "Round once per rate", value={"rounding": "per_total"}, request_only=True
            ),
        ]
    ),
)
class TaxSettingsView(GenericAPIView):
    """The store's tax settings: gross or net prices, rounding, shipping's tax, display."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": VIEW_TAXES, "PATCH": MANAGE_TAXES}
    serializer_class = serializers.TaxSettingsSerializer

    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(selectors.tax_settings()).data)

    def patch(self, request: Request) -> Response:
        serializer = self.get_serializer(selectors.tax_settings(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        tax_settings = services.update_tax_settings(data=dict(serializer.validated_data))
        return Response(self.get_serializer(tax_settings).data)
