"""Payments API: the store's payment methods (/api/v1/payments/methods/: staff read, the owner
changes), what checkout offers (/api/v1/payments/methods/offered/: public), the shopper's
payments (/api/v1/payments/start/: start or retry paying a placed order;
/api/v1/payments/<token>/: its state and next action), and an order's payments
(/api/v1/orders/<id>/payments/: staff read, with their events and refunds; owner and order
managers mark a cash on delivery payment paid).

Refunds have one path: ``POST /api/v1/orders/<id>/refunds/`` (orders' staff API, body
``payment``, ``amount``, ``note``), which calls ``payments.services.refund``; each refund is a
row listed under its payment's ``refunds``.

Views validate input, call one service or selector, and serialize; who may do what is the
permission layer's (accounts.permissions).
"""

import hashlib

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

import money
from accounts.api.permissions import RequiresPermission
from accounts.models import ApiKey
from accounts.permissions import (
    MANAGE_ORDER_PAYMENTS,
    MANAGE_PAYMENTS,
    VIEW_ORDER_PAYMENTS,
    VIEW_PAYMENTS,
)
from cart.api.views import CartAccess
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


SHOPPER_PAYMENT_EXAMPLE = {
    "token": "0b6f3c52-8e0b-4f57-9a55-8c1f3f8f2a11",
    "order_number": 1001,
    "method": "paypal",
    "state": "action_required",
    "currency": "USD",
    "amount": "25.00",
    "captured_amount": "0.00",
    "message": "",
    "pay_url": "https://shop.example.com/checkout/pay/0b6f3c52-8e0b-4f57-9a55-8c1f3f8f2a11/",
    "action": {
        "kind": "redirect",
        "url": "https://www.paypal.com/checkoutnow?token=5O190127TN364715T",
        "client_secret": "",
        "data": {},
    },
}


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


class CaptureView(GenericAPIView):
    """Capture an authorised payment (a store capturing manually): all of it, or ``amount``
    (the rest is released). A payment that is not authorised: 409 ``not_supported``; more than
    authorised: 400 ``invalid_amount``. Capturing is idempotent at the provider (the payment's
    token is the key) and in our books (absolute figures): a retry captures nothing more."""

    permission_classes = [RequiresPermission]
    required_permissions = {"POST": MANAGE_ORDER_PAYMENTS}
    serializer_class = serializers.CaptureSerializer

    @extend_schema(
        request=serializers.CaptureSerializer,
        responses={200: serializers.PaymentSerializer},
        examples=[
            OpenApiExample(
                "Capture part of it",
                value={"amount": "20.00", "note": "One item could not be sent"},
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request, order_pk: int, pk: int) -> Response:
        payment = _payment(order_pk, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = services.capture(
            payment=payment,
            amount=serializer.validated_data.get("amount"),
            actor=request.user,
            note=serializer.validated_data.get("note", ""),
        )
        return Response(_payment_body(payment))


class StartPaymentView(IdempotentCreateMixin, GenericAPIView):
    """Start paying a placed order, or pay it again after a failure or cancel, with a method
    offered (default: the order's). Whoever placed the order holds its `checkout_token` (the
    checkout API's answer): that token is the key, as for the checkout itself; an API key needs
    the `orders:place` scope. Answers the payment and what the shopper does next (`action`:
    `redirect` to `url`, or `client_secret` for the provider's element, or `none`): 201 for a
    new payment, 200 for the open one found again (starting twice makes one payment)."""

    permission_classes = [CartAccess]
    required_permissions = {"POST": None}
    company_key_scopes = {"POST": ApiKey.Scope.PLACE_ORDERS.value}
    serializer_class = serializers.StartPaymentSerializer

    def idempotency_caller(self, request: Request) -> str | None:
        caller = super().idempotency_caller(request)
        if caller is None:
            token = str(request.data.get("checkout_token", ""))[:64]
            return "order:" + hashlib.sha256(token.encode()).hexdigest()[:40]
        return caller

    @extend_schema(
        request=serializers.StartPaymentSerializer,
        responses={201: serializers.ShopperPaymentSerializer},
        examples=[
            OpenApiExample(
                "Pay with PayPal",
                value={
                    "checkout_token": "6f1c2d0e-3b9a-4c55-9d2e-1f0a7b8c9d10",
                    "method": "paypal",
                },
                request_only=True,
            ),
            OpenApiExample("Redirect", value=SHOPPER_PAYMENT_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = Order.objects.filter(
            checkout_token=serializer.validated_data["checkout_token"]
        ).first()
        if order is None:
            raise Http404("No order has this checkout token.")
        started = services.create_payment_for_order(
            order=order, method=serializer.validated_data.get("method") or None
        )
        code = status.HTTP_201_CREATED if started.created else status.HTTP_200_OK
        return Response(shopper_payment_body(started.payment, started.action), status=code)


class ShopperPaymentView(GenericAPIView):
    """A payment by its token (in the pay page's address and `pay_url`): its state and what
    the shopper does next; poll it after the provider's page."""

    permission_classes = [AllowAny]
    serializer_class = serializers.ShopperPaymentSerializer

    @extend_schema(
        examples=[OpenApiExample("Redirect", value=SHOPPER_PAYMENT_EXAMPLE, response_only=True)]
    )
    def get(self, request: Request, token) -> Response:
        payment = selectors.payment_by_token(token)
        if payment is None:
            raise Http404("No such payment.")
        return Response(shopper_payment_body(payment))


def shopper_payment_body(payment, action=None) -> dict:
    from payments import gateway
    from payments.gateway import FINAL_STATES, Action

    if action is None or action.kind == gateway.ActionKind.NONE:
        known = dict(gateway.choices())
        provider = gateway.get(payment.method) if payment.method in known else None
        action = (
            provider.next_action(payment)
            if provider is not None and payment.state not in FINAL_STATES
            else Action.none()
        )
    urls = gateway.payment_urls(payment)
    pay_url = urls.return_url.rsplit("return/", 1)[0]
    return serializers.ShopperPaymentSerializer(
        {
            "token": payment.token,
            "order": payment.order,
            "method": payment.method,
            "state": payment.state,
            "currency": payment.currency,
            "amount": payment.amount,
            "captured_amount": payment.captured_amount,
            "message": payment.message,
            "pay_url": pay_url,
            "action": {
                "kind": action.kind,
                "url": action.url,
                "client_secret": action.client_secret,
                "data": action.data,
            },
        }
    ).data
