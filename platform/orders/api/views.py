"""The shopper's own orders, ``/api/v1/account/orders/``: a signed-in person (token or session)
sees only the orders placed with their account at this store; any other number answers 404.
API keys are refused (403): a key has no account of its own."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from accounts.api.permissions import RequiresPermission
from cart import identify
from config.pagination import BoundedPageSize
from orders import shopper
from orders.api import serializers
from pricing import buyer_for

OWN = permissions.MANAGE_OWN_ACCOUNT


class Page(BoundedPageSize, PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class AccountOrdersView(APIView):
    permission_classes = [RequiresPermission]
    required_permissions = {"GET": OWN, "POST": OWN}

    def order(self, request: Request, number: int):
        order = shopper.order_of(request.user, number)
        if order is None:
            raise Http404("No such order.")
        return order


class AccountOrderListView(AccountOrdersView):
    pagination_class = Page

    @extend_schema(
        tags=["account"],
        summary="Your orders, newest first",
        responses=serializers.OrderSummarySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(shopper.orders_of(request.user), request, view=self)
        return paginator.get_paginated_response(
            serializers.OrderSummarySerializer(page, many=True).data
        )


class AccountOrderDetailView(AccountOrdersView):
    @extend_schema(
        tags=["account"],
        summary="One of your orders, with its lines, parcels and timeline",
        responses=serializers.OrderDetailSerializer,
    )
    def get(self, request: Request, number: int) -> Response:
        return Response(serializers.OrderDetailSerializer(self.order(request, number)).data)


class AccountOrderCancelView(AccountOrdersView):
    @extend_schema(
        tags=["account"],
        summary="Cancel your order while it is pending (409 illegal_transition after)",
        request=None,
        responses={
            200: serializers.OrderDetailSerializer,
            409: OpenApiResponse(
                description="`illegal_transition`: the order is no longer pending."
            ),
        },
    )
    def post(self, request: Request, number: int) -> Response:
        order = self.order(request, number)
        shopper.cancel(order=order, user=request.user)
        return Response(
            serializers.OrderDetailSerializer(shopper.order_of(request.user, number)).data
        )


class AccountOrderReorderView(AccountOrdersView):
    @extend_schema(
        tags=["account"],
        summary="Add the order's lines still sellable to your cart; says which were not",
        request=None,
        responses=serializers.ReorderSerializer,
    )
    def post(self, request: Request, number: int) -> Response:
        order = self.order(request, number)
        cart = identify.cart_for_request(request, create=True)
        result = shopper.reorder(
            order=order, cart=cart, buyer=buyer_for(user=request.user, auth=request.auth)
        )
        return Response(
            {
                "added": result.added,
                "not_added": [{"item": name, "reason": why} for name, why in result.skipped],
            }
        )
