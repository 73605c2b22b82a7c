"""Shipping API: staff zones and delivery options under /api/v1/shipping/zones/, and the
public quote /api/v1/shipping/options/ (what delivery costs to an address).

Views validate input, call one service or selector, and serialize; who may do what is the
permission layer's (accounts.permissions: MANAGE_SHIPPING writes, VIEW_SHIPPING reads).
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

import money
from accounts.api.permissions import RequiresPermission
from accounts.permissions import MANAGE_SHIPPING, VIEW_SHIPPING
from config.api_input import check_query_parameters
from config.pagination import BoundedPageSize
from shipping import selectors, services
from shipping.api import serializers
from shipping.models import DeliveryOption, ShippingZone

PERMISSIONS = {
    "GET": VIEW_SHIPPING,
    "POST": MANAGE_SHIPPING,
    "PATCH": MANAGE_SHIPPING,
    "DELETE": MANAGE_SHIPPING,
}

ZONE_EXAMPLES = [
    OpenApiExample(
        "Domestic, one state's postcodes",
        value={
            "name": "Bay Area",
            "countries": ["US"],
            "regions": ["CA"],
            "postcodes": ["94000-95999"],
        },
        request_only=True,
    ),
    OpenApiExample(
        "Everywhere else",
        value={"name": "Rest of the world", "rest_of_world": True},
        request_only=True,
    ),
]

OPTION_EXAMPLES = [
    OpenApiExample(
        "Flat rate, free above 100",
        value={
            "name": "Standard",
            "kind": "flat_rate",
            "price": "5.00",
            "free_above": "100.00",
            "min_delivery_days": 3,
            "max_delivery_days": 5,
            "allows_cash_on_delivery": True,
        },
        request_only=True,
    ),
    OpenApiExample(
        "Weight bands",
        value={
            "name": "International",
            "kind": "weight_bands",
            "min_delivery_days": 7,
            "max_delivery_days": 14,
            "bands": [
                {"from_value": "0", "to_value": "1000", "price": "15.00"},
                {"from_value": "1000", "to_value": "5000", "price": "30.00"},
                {"from_value": "5000", "to_value": None, "price": "60.00"},
            ],
        },
        request_only=True,
    ),
    OpenApiExample(
        "Local pickup",
        value={"name": "Pick up at the shop", "kind": "local_pickup", "max_delivery_days": 1},
        request_only=True,
    ),
]


class ZonePagination(BoundedPageSize, CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("position", "id")


def _zone(pk) -> ShippingZone:
    zone = selectors.zone_list().filter(pk=pk).first()
    if zone is None:
        raise Http404("No such shipping zone.")
    return zone


def _option(zone_pk, pk) -> DeliveryOption:
    option = selectors.option_list(zone=zone_pk).filter(pk=pk).first()
    if option is None:
        raise Http404("No such delivery option.")
    return option


def _zone_data(validated: dict) -> dict:
    return {key: value for key, value in validated.items() if key in services.ZONE_FIELDS}


class ZoneListView(GenericAPIView):
    """The store's shipping zones, in their order, each with its delivery options."""

    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = serializers.ShippingZoneSerializer
    pagination_class = ZonePagination

    def get_queryset(self):
        return selectors.zone_list()

    @extend_schema(responses=serializers.ShippingZoneSerializer(many=True))
    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(examples=ZONE_EXAMPLES, responses={201: serializers.ShippingZoneSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        zone = services.create_zone(**_zone_data(serializer.validated_data))
        return Response(self.get_serializer(_zone(zone.pk)).data, status=status.HTTP_201_CREATED)


class ZoneDetailView(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = serializers.ShippingZoneSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_zone(pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        zone = _zone(pk)
        serializer = self.get_serializer(zone, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_zone(zone=zone, data=_zone_data(serializer.validated_data))
        return Response(self.get_serializer(_zone(pk)).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.delete_zone(zone=_zone(pk), actor_label=request.user.email)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OptionListView(GenericAPIView):
    """The delivery options of one zone, in their order, with their bands."""

    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = serializers.DeliveryOptionSerializer
    pagination_class = None

    @extend_schema(responses=serializers.DeliveryOptionSerializer(many=True))
    def get(self, request: Request, zone_pk: int) -> Response:
        zone = _zone(zone_pk)
        options = selectors.option_list(zone=zone)
        return Response(self.get_serializer(options, many=True).data)

    @extend_schema(examples=OPTION_EXAMPLES, responses={201: serializers.DeliveryOptionSerializer})
    def post(self, request: Request, zone_pk: int) -> Response:
        zone = _zone(zone_pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        option = services.create_option(zone=zone, data=data, bands=data.pop("bands", None))
        body = self.get_serializer(_option(zone.pk, option.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class OptionDetailView(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = serializers.DeliveryOptionSerializer

    def get(self, request: Request, zone_pk: int, pk: int) -> Response:
        return Response(self.get_serializer(_option(zone_pk, pk)).data)

    def patch(self, request: Request, zone_pk: int, pk: int) -> Response:
        option = _option(zone_pk, pk)
        serializer = self.get_serializer(option, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        services.update_option(option=option, data=data, bands=data.pop("bands", None))
        return Response(self.get_serializer(_option(zone_pk, pk)).data)

    def delete(self, request: Request, zone_pk: int, pk: int) -> Response:
        services.delete_option(option=_option(zone_pk, pk), actor_label=request.user.email)
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuoteView(GenericAPIView):
    """What delivery costs to an address: the options of the zone it falls in (the most
    specific), priced for the parcel's weight and the order subtotal. Open to anyone."""

    permission_classes = [AllowAny]
    serializer_class = serializers.QuoteSerializer

    @extend_schema(
        parameters=[serializers.QuoteParamsSerializer],
        responses=serializers.QuoteSerializer,
        examples=[
            OpenApiExample(
                "Standard delivery in the US",
                value={
                    "currency": "USD",
                    "zone": {"id": 1, "name": "United States"},
                    "options": [
                        {
                            "id": 1,
                            "name": "Standard",
                            "kind": "flat_rate",
                            "price": "5.00",
                            "price_display": "$5.00",
                            "is_free": False,
                            "free_above": "100.00",
                            "min_delivery_days": 3,
                            "max_delivery_days": 5,
                            "allows_cash_on_delivery": True,
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        params = serializers.QuoteParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        currency = money.store_currency()
        address = selectors.Destination(
            country=data["country"], region=data["region"], postal_code=data["postal_code"]
        )
        parcel = selectors.Parcel(
            weight_grams=data["weight_grams"], subtotal=money.Money(data["subtotal"], currency)
        )
        zone = selectors.zone_for(address)
        offered = selectors.offered_in(zone=zone, parcel=parcel) if zone else []
        body = {
            "currency": currency,
            "zone": {"id": zone.pk, "name": zone.name} if zone else None,
            "options": offered,
        }
        return Response(serializers.QuoteSerializer(body).data)
