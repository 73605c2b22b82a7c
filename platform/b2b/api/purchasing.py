"""The B2B order API, ``/api/v1/b2b/orders/``: a company's orders, for its ERP and its people.

==========================================  ==============================  =================
endpoint                                    people (of a company)           company API keys
==========================================  ==============================  =================
POST   /b2b/orders/         place by SKU    buyers, admins                  ``orders:place``
GET    /b2b/orders/         the company's   every member                    ``orders:read``
GET    /b2b/orders/<id>/    one of them     every member                    ``orders:read``
POST   /b2b/orders/<id>/approve/  reject/   approvers, admins (not the      never: a person
                                            order's own buyer)              decides
==========================================  ==============================  =================

Anyone not acting for a company (shoppers, the store's staff, the store's own keys) is refused
(403); an order of another company is not found (404). Views validate, call one service or
selector (b2b.purchasing) and answer.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import RequiresPermission
from accounts.models import ApiKey
from accounts.permissions import APPROVE_COMPANY_ORDERS, PLACE_COMPANY_ORDERS, VIEW_COMPANY
from b2b.api import purchasing_serializers as s
from b2b.purchasing import approvals, ordering, selectors
from config.api_input import check_query_parameters
from config.pagination import BoundedPageSize
from idempotency.api import IdempotentCreateMixin
from pricing import buyer_for

ORDER_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The order's id.")


class CompanyOrderPagination(BoundedPageSize, CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-pk"


class CompanyApiView(APIView):
    permission_classes = [RequiresPermission]

    def buyer(self, request: Request):
        """The buyer behind the request; 403 unless it acts for a company."""
        buyer = buyer_for(user=request.user, auth=request.auth)
        if buyer.company is None:
            raise PermissionDenied("Only a company's members and API keys use this endpoint.")
        return buyer

    def order(self, request: Request, pk):
        order = selectors.company_order(company=self.buyer(request).company, pk=pk)
        if order is None:
            raise Http404("No order of your company has this id.")
        return order


@extend_schema(tags=["b2b"])
class CompanyOrderListView(IdempotentCreateMixin, CompanyApiView):
    required_permissions = {"GET": VIEW_COMPANY, "POST": PLACE_COMPANY_ORDERS}
    company_key_scopes = {
        "GET": ApiKey.Scope.READ_ORDERS.value,
        "POST": ApiKey.Scope.PLACE_ORDERS.value,
    }

    @extend_schema(
        operation_id="b2b_orders_list",
        parameters=[s.OrdersFilterSerializer],
        responses=s.CompanyOrderSerializer(many=True),
        examples=[s.ORDER_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        """Your company's orders, newest first, by cursor (`next` / `previous` links). For an
        ERP's sync: `updated_since` (ISO 8601, inclusive) lists the orders changed since your
        last run (placed, approved, paid, shipped...); `status` filters by status
        (`awaiting_approval`, `pending`, `processing`, `shipped`, ...)."""
        check_query_parameters(request.query_params)
        filters = s.OrdersFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        orders = selectors.company_orders(
            company=self.buyer(request).company,
            status=filters.validated_data.get("status"),
            updated_since=filters.validated_data.get("updated_since"),
        )
        paginator = CompanyOrderPagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(s.CompanyOrderSerializer(page, many=True).data)

    @extend_schema(
        operation_id="b2b_orders_place",
        request=s.CompanyOrderCreateSerializer,
        responses={
            201: s.CompanyOrderSerializer,
            400: OpenApiResponse(
                description="`invalid` (per field: `lines.0.sku`, `shipping_address.city`, "
                "`location`...), `po_number_in_use`, `credit_limit_exceeded`, `quantity_rule` "
                "(a price list's minimum or multiple changed since the lines were added)."
            ),
            409: OpenApiResponse(description="`out_of_stock`, `cart_changed`."),
        },
        examples=[
            s.PLACE_EXAMPLE,
            s.PLACE_AT_LOCATION_EXAMPLE,
            s.ORDER_EXAMPLE,
            s.CREDIT_EXAMPLE,
            s.PO_EXAMPLE,
            s.LOCATION_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        """Place an order for your company: lines by SKU and quantity, your PO number, where to
        ship: one of your company's locations (`location`, its id) or a typed
        `shipping_address` (exactly one of the two). Priced at your company's prices; paid by
        `invoice` (your terms; refused above your credit limit). An order above the placing
        person's spending limit, or of a company that approves every order, answers
        `status: awaiting_approval` until an approver decides. Send an `Idempotency-Key`: a
        retry answers the same order."""
        buyer = self.buyer(request)
        serializer = s.CompanyOrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = ordering.place_company_order(
            buyer=buyer,
            lines=[dict(line) for line in data["lines"]],
            shipping_address=dict(data["shipping_address"]) if "shipping_address" in data else None,
            location=data.get("location"),
            billing_address=dict(data["billing_address"]) if "billing_address" in data else None,
            delivery_option=data.get("delivery_option"),
            payment_method=data["payment_method"],
            po_number=data["po_number"],
            email=data["email"],
            note=data["note"],
        )
        placed = selectors.company_order(company=buyer.company, pk=order.pk)
        return Response(s.CompanyOrderSerializer(placed).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["b2b"], parameters=[ORDER_ID])
class CompanyOrderDetailView(CompanyApiView):
    required_permissions = {"GET": VIEW_COMPANY}
    company_key_scopes = {"GET": ApiKey.Scope.READ_ORDERS.value}

    @extend_schema(
        operation_id="b2b_orders_read",
        responses=s.CompanyOrderSerializer,
        examples=[s.ORDER_EXAMPLE],
    )
    def get(self, request: Request, pk: int) -> Response:
        """One order of your company: its status, payment, lines and the approver's decision."""
        return Response(s.CompanyOrderSerializer(self.order(request, pk)).data)


class DecisionView(CompanyApiView):
    required_permissions = {"POST": APPROVE_COMPANY_ORDERS}
    company_key_scopes: dict = {}  # a person decides, never an integration

    def decide(self, request: Request, pk: int, decide) -> Response:
        order = self.order(request, pk)
        serializer = s.OrderDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decide(order=order, actor=request.user, note=serializer.validated_data["note"])
        fresh = selectors.company_order(company=order.company, pk=order.pk)
        return Response(s.CompanyOrderSerializer(fresh).data)


DECISION_ERRORS = {
    403: OpenApiResponse(description="Not an approver of the company, or your own order."),
    404: OpenApiResponse(description="No order of your company has this id."),
    409: OpenApiResponse(description="`illegal_transition`: the order no longer awaits."),
}


@extend_schema(tags=["b2b"], parameters=[ORDER_ID])
class ApproveView(DecisionView):
    @extend_schema(
        operation_id="b2b_orders_approve",
        request=s.OrderDecisionSerializer,
        responses={200: s.CompanyOrderSerializer, **DECISION_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Approve an order awaiting approval: it goes to the store (`pending`)."""
        return self.decide(request, pk, approvals.approve_order)


@extend_schema(tags=["b2b"], parameters=[ORDER_ID])
class RejectView(DecisionView):
    @extend_schema(
        operation_id="b2b_orders_reject",
        request=s.OrderDecisionSerializer,
        responses={200: s.CompanyOrderSerializer, **DECISION_ERRORS},
        examples=[s.REJECT_EXAMPLE],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Reject an order awaiting approval, saying why (`note`, required): it is cancelled
        and its stock released; the buyer is emailed the reason."""
        return self.decide(request, pk, approvals.reject_order)
