"""Payments API: the store's payment methods (/api/v1/payments/methods/: staff read, the owner
changes), what checkout offers (/api/v1/payments/methods/offered/: public), and an order's
payments (/api/v1/orders/<id>/payments/: staff read; owner and order managers mark a cash on
delivery payment paid and record refunds).

Views validate input, call one service or selector, and serialize; who may do what is the
permission layer's (accounts.permissions).
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

import money
from accounts.api.permissions import RequiresPermission
from accounts.permissions import (
    MANAGE_ORDER_PAYMENTS,
    MANAGE_PAYMENTS,
    VIEW_ORDER_PAYMENTS,
    VIEW_PAYMENTS,
)
from config.api_input import check_query_parameters
from idempotency.api import IdempotentCreateMixin
from orders.models import Order
from payments import selectors, services
from payments.api import serializers
from shipping.models import DeliveryOption

SETTINGS_EXAMPLE = {
    "enabled_methods": ["cod"],
    "cod_fee": "2.50",
    "cod_max_order_value": "500.00",
    "cod_instructions": "Exact change, please.",
    "currency": "USD",
    "available_methods": [{"code": "cod", "name": "Cash on delivery"}],
    "updated_at": "2026-11-30T08:00:00Z",
}
PAYMENT_EXAMPLE = {
    "id": 7,
    "order_id": 1001,
    "method": "cod",
    "state": "succeeded",
    "currency": "USD",
    "amount": "25.00",
    "captured_amount": "20.00",
    "refunded_amount": "0.00",
    "refundable_amount": "20.00",
    "provider_reference": "",
    "created_at": "2026-11-30T08:00:00Z",
    "updated_at": "2026-12-02T15:10:00Z",
    "events": [
        {"kind": "created", "from_state": "", "to_state": "pending", "amount": "25.00",
         "actor": None, "note": "", "data": {}, "created_at": "2026-11-30T08:00:00Z"},
        {"kind": "paid", "from_state": "pending", "to_state": "succeeded", "amount": "20.00",
         "actor": "orders@example.com", "note": "Courier had no change",
         "data": {"outcome": "partial", "due": "25.00", "received": "20.00"},
         "created_at": "2026-12-02T15:10:00Z"},
    ],
}  # fmt: skip


class MethodSettingsView(GenericAPIView):
    """The store's payment methods: which it offers, and cash on delivery's fee, maximum order
    value and instructions (amounts in the store's currency)."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": VIEW_PAYMENTS, "PATCH": MANAGE_PAYMENTS}
    serializer_class = serializers.MethodSettingsSerializer

    @extend_schema(
        examples=[OpenApiExample("Cash on delivery", value=SETTINGS_EXAMPLE, response_only=True)]
    )
    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(selectors.method_settings()).data)

    @extend_schema(
        examples=[
            OpenApiExample(
                "Offer cash on delivery up to 500 with a fee",
                value={"enabled_methods": ["cod"], "cod_fee": "2.50", "cod_max_order_value": "500"},
                request_only=True,
            ),
            OpenApiExample("No maximum", value={"cod_max_order_value": None}, request_only=True),
            OpenApiExample("Offer nothing", value={"enabled_methods": []}, request_only=True),
            OpenApiExample("Saved", value=SETTINGS_EXAMPLE, response_only=True),
        ]
    )
    def patch(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = services.set_method_settings(data=dict(serializer.validated_data))
        return Response(self.get_serializer(saved).data)


class OfferedMethodsView(GenericAPIView):
    """The payment methods a shopper may choose for an order of ``total`` with the chosen
    delivery option, each with its fee. Open to anyone (checkout asks it)."""

    permission_classes = [AllowAny]
    serializer_class = serializers.OfferedSerializer

    @extend_schema(
        parameters=[serializers.OfferedParamsSerializer],
        examples=[
            OpenApiExample(
                "Cash on delivery with a fee",
                value={
                    "currency": "USD",
                    "methods": [
                        {
                            "code": "cod",
                            "name": "Cash on delivery",
                            "fee": "2.50",
                            "fee_display": "$2.50",
                            "instructions": "Exact change, please.",
                            "action_kind": "none",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        params = serializers.OfferedParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        currency = money.store_currency()
        option_id = params.validated_data["delivery_option"]
        option = (
            DeliveryOption.objects.filter(
                pk=option_id, is_active=True, zone__is_active=True
            ).first()
            if option_id
            else None
        )
        total = money.Money(params.validated_data["total"], currency)
        methods = selectors.methods_for_checkout(total=total, delivery_option=option)
        return Response(
            serializers.OfferedSerializer({"currency": currency, "methods": methods}).data
        )


def _order(order_pk) -> Order:
    order = Order.objects.filter(pk=order_pk).first()
    if order is None:
        raise Http404("No such order.")
    return order


def _payment(order_pk, pk):
    payment = selectors.payment_of_order(order_id=order_pk, pk=pk)
    if payment is None:
        raise Http404("No such payment.")
    return payment


def _payment_body(payment) -> dict:
    fresh = selectors.payments_of(payment.order_id).get(pk=payment.pk)
    return serializers.PaymentSerializer(fresh).data


class OrderPaymentListView(GenericAPIView):
    """An order's payments, oldest first, each with its history."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": VIEW_ORDER_PAYMENTS}
    serializer_class = serializers.PaymentSerializer
    pagination_class = None

    @extend_schema(
        responses=serializers.PaymentSerializer(many=True),
        examples=[OpenApiExample("Paid in part", value=[PAYMENT_EXAMPLE], response_only=True)],
    )
    def get(self, request: Request, order_pk: int) -> Response:
        order = _order(order_pk)
        return Response(self.get_serializer(selectors.payments_of(order), many=True).data)


class OrderPaymentDetailView(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = {"GET": VIEW_ORDER_PAYMENTS}
    serializer_class = serializers.PaymentSerializer

    def get(self, request: Request, order_pk: int, pk: int) -> Response:
        return Response(_payment_body(_payment(order_pk, pk)))


class MarkPaidView(IdempotentCreateMixin, GenericAPIView):
    """Cash on delivery: staff received ``amount``. Equal to what was due: paid; less: partly
    paid (the rest may follow); more: overpaid — each recorded in the payment's history and the
    order's timeline. Other methods are confirmed by their provider (409 ``not_supported``).
    Send an ``Idempotency-Key`` so that a retry never counts the money twice."""

    permission_classes = [RequiresPermission]
    required_permissions = {"POST": MANAGE_ORDER_PAYMENTS}
    serializer_class = serializers.MarkPaidSerializer

    @extend_schema(
        request=serializers.MarkPaidSerializer,
        responses={200: serializers.PaymentSerializer},
        examples=[
            OpenApiExample(
                "Less than due received",
                value={"amount": "20.00", "note": "Courier had no change"},
                request_only=True,
            ),
            OpenApiExample("Paid in part", value=PAYMENT_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request, order_pk: int, pk: int) -> Response:
        payment = _payment(order_pk, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mark_paid(
            payment=payment,
            amount=serializer.validated_data["amount"],
            actor=request.user,
            note=serializer.validated_data.get("note", ""),
        )
        return Response(_payment_body(payment))


class RefundView(IdempotentCreateMixin, GenericAPIView):
    """Give back part or all of what a payment received (cash on delivery: recorded, the store
    hands the money back itself). Never above what was received and not refunded yet (400
    ``invalid_amount``, field ``amount``)."""

    permission_classes = [RequiresPermission]
    required_permissions = {"POST": MANAGE_ORDER_PAYMENTS}
    serializer_class = serializers.RefundSerializer

    @extend_schema(
        request=serializers.RefundSerializer,
        responses={201: serializers.PaymentSerializer},
        examples=[
            OpenApiExample(
                "A broken mug", value={"amount": "10.00", "reason": "Broken"}, request_only=True
            )
        ],
    )
    def post(self, request: Request, order_pk: int, pk: int) -> Response:
        payment = _payment(order_pk, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.record_refund(
            payment=payment,
            amount=serializer.validated_data["amount"],
            actor=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(_payment_body(payment), status=status.HTTP_201_CREATED)
