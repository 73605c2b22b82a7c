"""Staff order API under /api/v1/orders/: the list (the store admin's filters), an order in
full, and its actions (fulfilments, cancel, deliver, notes, refunds; COD mark paid is payments' own
/api/v1/orders/<id>/payments/<id>/mark-paid/) through
orders.actions and payments.services. A shopper's own orders are at /api/v1/account/orders/.

Owners and order managers act (MANAGE_ORDERS); support and the store's API keys with
``orders:read`` read (VIEW_ORDERS). IllegalTransition answers 409 ``illegal_transition``.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.permissions import RequiresPermission
from accounts.models import ApiKey
from accounts.permissions import CHANGE_STORE_DETAILS, MANAGE_ORDERS, VIEW_ORDERS
from config.api_input import check_query_parameters
from config.pagination import BoundedPageSize
from idempotency.api import IdempotentCreateMixin
from orders import actions, selectors, services, staff_selectors
from orders.api import staff_serializers as serializers
from orders.models import Order
from payments import selectors as payment_selectors
from payments import services as payment_services

PERMISSIONS = {"GET": VIEW_ORDERS, "POST": MANAGE_ORDERS}
READ_SCOPES = {"GET": ApiKey.Scope.READ_ORDERS}
CONFLICT = OpenApiResponse(
    description="`illegal_transition`: the order's status does not allow this (nothing changed)."
)


class OrderPagination(BoundedPageSize, CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-placed_at", "-id")


def _order(pk) -> Order:
    order = selectors.order_detail(pk=pk)
    if order is None:
        raise Http404("No such order.")
    return order


def _detail(order: Order) -> dict:
    return serializers.StaffOrderDetailSerializer(_order(order.pk)).data


class OrderListView(GenericAPIView):
    """The store's orders, newest first, filtered and searched like the store admin's list."""

    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    api_key_scopes = READ_SCOPES
    serializer_class = serializers.StaffOrderSummarySerializer
    pagination_class = OrderPagination

    @extend_schema(
        parameters=[serializers.StaffOrderFilterSerializer],
        responses=serializers.StaffOrderSummarySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        filters = serializers.StaffOrderFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        orders = staff_selectors.staff_orders(filters.filters())
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OrderDetailView(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    api_key_scopes = READ_SCOPES
    serializer_class = serializers.StaffOrderDetailSerializer

    @extend_schema(responses=serializers.StaffOrderDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(_order(pk)))


class _OrderAction(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    answer_status = status.HTTP_200_OK

    def run(self, request, order, data, **kwargs):
        raise NotImplementedError

    def post(self, request: Request, pk: int, **kwargs) -> Response:
        order = _order(pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.run(request, order, serializer.validated_data, **kwargs)
        return Response(_detail(order), status=self.answer_status)


def _action_schema(request_serializer, *, created=False):
    answer = 201 if created else 200
    return extend_schema(
        request=request_serializer,
        responses={answer: serializers.StaffOrderDetailSerializer, 409: CONFLICT},
    )


class FulfilmentsView(IdempotentCreateMixin, _OrderAction):
    """Ship some quantities of some lines, with carrier and tracking number."""

    serializer_class = serializers.StaffFulfilSerializer
    answer_status = status.HTTP_201_CREATED

    @_action_schema(serializers.StaffFulfilSerializer, created=True)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request, order, data):
        actions.fulfil(
            order=order,
            lines=[(line["line"], line["quantity"]) for line in data["lines"]],
            carrier=data.get("carrier", ""),
            tracking_number=data.get("tracking_number", ""),
            actor=request.user,
        )


class CancelView(_OrderAction):
    serializer_class = serializers.StaffOptionalNoteSerializer

    @_action_schema(serializers.StaffOptionalNoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request, order, data):
        actions.cancel_order(order=order, actor=request.user, note=data.get("note", ""))


class DeliverView(_OrderAction):
    serializer_class = serializers.StaffOptionalNoteSerializer

    @_action_schema(serializers.StaffOptionalNoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request, order, data):
        actions.mark_delivered(order=order, actor=request.user, note=data.get("note", ""))


class NotesView(IdempotentCreateMixin, _OrderAction):
    serializer_class = serializers.StaffNoteSerializer
    answer_status = status.HTTP_201_CREATED

    @_action_schema(serializers.StaffNoteSerializer, created=True)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request, order, data):
        actions.add_note(order=order, note=data["note"], actor=request.user)


def _payment(order, pk):
    payment = payment_selectors.payment_of_order(order_id=order.pk, pk=pk)
    if payment is None:
        raise Http404("No such payment on this order.")
    return payment


class RefundsView(IdempotentCreateMixin, _OrderAction):
    """Record a refund of a payment (bounded by what it captured less what was refunded)."""

    serializer_class = serializers.StaffRefundSerializer
    answer_status = status.HTTP_201_CREATED

    @_action_schema(serializers.StaffRefundSerializer, created=True)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request, order, data):
        payment_services.record_refund(
            payment=_payment(order, data["payment"]),
            amount=data["amount"],
            actor=request.user,
            reason=data.get("note", ""),
        )


@extend_schema(tags=["orders"])
class NotificationSettingsView(GenericAPIView):
    """Where the store's own emails go: a new order, a quote request, an accepted quote (the
    store admin's Settings → Notifications). Empty: none is sent. The owner's."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": CHANGE_STORE_DETAILS, "PATCH": CHANGE_STORE_DETAILS}
    serializer_class = serializers.NotificationSettingsSerializer

    def get(self, request: Request) -> Response:
        return Response({"notify_staff_email": selectors.staff_notification_email()})

    def patch(self, request: Request) -> Response:
        """Set the address (400 on `notify_staff_email` when it is not one; nothing changed)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        settings = services.set_staff_notification_email(
            email=serializer.validated_data["notify_staff_email"],
            actor_label=request.user.get_username() if request.user.is_authenticated else "",
        )
        return Response({"notify_staff_email": settings.notify_staff_email})
