"""The checkout API, ``/api/v1/checkout/``: validate, call one service or selector, answer.

Who may check out: whoever has a cart (cart.identify): an anonymous client (``X-Cart-Token``),
a signed-in person, a company's API key with ``orders:place``. The store's own API keys are
refused (403): they sell, they do not buy. A checkout is its cart owner's: an account's
checkout answers only that account (on any device), a key's only that key, an anonymous one
whoever holds its token. A token of another store, or not the caller's, is 404.
"""

import hashlib

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiKey
from cart import identify
from cart.api.views import CART_TOKEN_HEADER, CartAccess
from checkout import selectors, services
from checkout.api import serializers
from checkout.errors import CartEmpty, CheckoutNotFound
from idempotency.api import IdempotentCreateMixin
from pricing import buyer_for

METHODS = ("GET", "POST", "PATCH")
TOKEN = OpenApiParameter(
    name="token",
    type=OpenApiTypes.UUID,
    location=OpenApiParameter.PATH,
    description="The checkout's token (from the answer that created it).",
)


class CheckoutApiView(APIView):
    permission_classes = [CartAccess]
    required_permissions = {method: None for method in METHODS}
    company_key_scopes = {method: ApiKey.Scope.PLACE_ORDERS.value for method in METHODS}

    def buyer(self, request: Request):
        return buyer_for(user=request.user, auth=request.auth)

    def checkout(self, request: Request, token: str):
        found = selectors.checkout_for(token, buyer=self.buyer(request))
        if found is None:
            raise CheckoutNotFound("No checkout has this token.")
        return found

    def answer(self, request: Request, checkout, *, status_code=status.HTTP_200_OK) -> Response:
        state = selectors.checkout_state(checkout, self.buyer(request))
        return Response(checkout_data(state), status=status_code)


def checkout_data(state) -> dict:
    checkout, totals = state.checkout, state.totals
    return serializers.CheckoutSerializer(
        {
            "token": str(checkout.token),
            "status": "completed" if state.is_completed else "open",
            "email": checkout.email,
            "shipping_address": checkout.shipping_address or None,
            "billing_same_as_shipping": checkout.billing_same_as_shipping,
            "billing_address": (
                None if checkout.billing_same_as_shipping else (checkout.billing_address or None)
            ),
            "delivery_option": totals.delivery_option,
            "payment_method": checkout.payment_method,
            "note": checkout.note,
            "po_number": checkout.po_number,
            "lines": totals.lines,
            "totals": totals,
            "payment_methods": state.payment_methods,
            "missing": state.missing,
            "notices": totals.notices,
            "cart_version": checkout.cart.version,
            "order": order_data(state.order) if state.order is not None else None,
        }
    ).data


def order_data(order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "payment_status": order.payment_status,
        "fulfilment_status": order.fulfilment_status,
        "email": order.email,
        "currency": order.currency,
        "subtotal": str(order.subtotal),
        "shipping": str(order.shipping),
        "tax": str(order.tax),
        "total": str(order.total),
        "payment_method": order.payment_method,
        "po_number": order.po_number,
        "checkout_token": str(order.checkout_token),
        "placed_at": order.placed_at,
    }


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:40]


@extend_schema(tags=["checkout"], parameters=[CART_TOKEN_HEADER])
class CheckoutListView(IdempotentCreateMixin, CheckoutApiView):
    def idempotency_caller(self, request: Request) -> str | None:
        caller = super().idempotency_caller(request)
        token = request.headers.get(identify.HEADER_NAME)
        if caller is None and token:
            return f"cart:{_digest(token.strip())}"
        return caller

    @extend_schema(
        operation_id="checkout_start",
        request=None,
        responses={
            201: serializers.CheckoutSerializer,
            200: OpenApiResponse(
                serializers.CheckoutSerializer, description="The cart's checkout, resumed."
            ),
        },
        examples=[serializers.CHECKOUT_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        """Start checking out the caller's cart (201), or resume its checkout (200): one
        checkout per cart. A signed-in shopper's email and default shipping address are filled
        in. 400 `cart_empty` without a cart or with an empty one; 404 `cart_not_found` for an
        `X-Cart-Token` that names no open cart."""
        cart = identify.cart_for_request(request)
        if cart is None:
            raise CartEmpty("Your cart is empty.", fields={"cart": ["Add something to your cart."]})
        existing = selectors.checkout_of_cart(cart)
        checkout = existing or services.start_checkout(cart=cart, buyer=self.buyer(request))
        code = status.HTTP_200_OK if existing is not None else status.HTTP_201_CREATED
        return self.answer(request, checkout, status_code=code)


@extend_schema(tags=["checkout"], parameters=[TOKEN])
class CheckoutView(CheckoutApiView):
    @extend_schema(
        operation_id="checkout_read",
        responses=serializers.CheckoutSerializer,
        examples=[serializers.CHECKOUT_EXAMPLE],
    )
    def get(self, request: Request, token: str) -> Response:
        """The checkout with its lines and totals priced now (tax per line and per rate,
        shipping, the total), the payment methods offered and what is still missing."""
        return self.answer(request, self.checkout(request, token))

    @extend_schema(
        operation_id="checkout_update",
        request=serializers.CheckoutUpdateSerializer,
        responses=serializers.CheckoutSerializer,
        examples=[
            serializers.UPDATE_EXAMPLE,
            serializers.DELIVERY_EXAMPLE,
            serializers.CHECKOUT_EXAMPLE,
            serializers.ADDRESS_REFUSED_EXAMPLE,
        ],
    )
    def patch(self, request: Request, token: str) -> Response:
        """Give any of: the contact email, the shipping address (typed, or
        `shipping_address_id` from your address book), the billing address or
        `billing_same_as_shipping`, the delivery option (400 `delivery_option_unavailable` when
        it is not offered for the address), the payment method, a note. All or nothing: 400
        with every field's errors (addresses per field: `shipping_address.postal_code`), the
        checkout unchanged. A new address drops a delivery option it is not offered for.
        409 `checkout_completed` once the order is placed."""
        checkout = self.checkout(request, token)
        serializer = serializers.CheckoutUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.update_checkout(
            checkout=checkout, buyer=self.buyer(request), data=dict(serializer.validated_data)
        )
        return self.answer(request, checkout)


@extend_schema(tags=["checkout"], parameters=[TOKEN])
class DeliveryOptionsView(CheckoutApiView):
    @extend_schema(
        operation_id="checkout_delivery_options",
        responses=serializers.OfferedDeliveryOptionSerializer(many=True),
    )
    def get(self, request: Request, token: str) -> Response:
        """The delivery options offered for the checkout's shipping address and parcel, each
        priced now with its delivery estimate (empty until a shipping address is given)."""
        from checkout import calculations

        checkout = self.checkout(request, token)
        totals = calculations.totals(checkout, self.buyer(request))
        offered = selectors.delivery_options(checkout, totals)
        return Response(serializers.OfferedDeliveryOptionSerializer(offered, many=True).data)


@extend_schema(tags=["checkout"], parameters=[TOKEN])
class CompleteView(IdempotentCreateMixin, CheckoutApiView):
    def idempotency_caller(self, request: Request) -> str | None:
        caller = super().idempotency_caller(request)
        if caller is None:
            token = str(self.kwargs.get("token", ""))
            return f"checkout:{_digest(token)}"
        return caller

    @extend_schema(
        operation_id="checkout_complete",
        request=serializers.CompleteSerializer,
        responses={
            201: serializers.OrderSerializer,
            200: OpenApiResponse(
                serializers.OrderSerializer,
                description="The checkout was completed before: its order (one per checkout).",
            ),
        },
        examples=[serializers.ORDER_EXAMPLE, serializers.CHANGED_EXAMPLE],
    )
    def post(self, request: Request, token: str) -> Response:
        """Place the order (201 with it). The same checkout completed again, with or without
        an `Idempotency-Key`, answers the same order (200): one order per checkout, also for
        parallel submits. Refused, nothing placed: 400 `checkout_incomplete` (what is missing
        per field), 400 `delivery_option_unavailable`, 400 `quantity_rule` (a line whose
        quantity no longer keeps its minimum, step or maximum, e.g. a price list's minimum
        raised since it was added: `fields` names each line, `lines.<variant id>`, and its
        rule), 409 `cart_changed` (what changed: a price, stock, a line no longer sold, or a
        total differing from `expected_total`), 409 `out_of_stock`, 403 `plan_limit_reached`
        (the store's monthly orders)."""
        checkout = self.checkout(request, token)
        serializer = serializers.CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = services.complete_checkout(
            checkout=checkout,
            buyer=self.buyer(request),
            request_meta={"ip": request.META.get("REMOTE_ADDR", "")},
            expected_total=serializer.validated_data.get("expected_total"),
            cart_version=serializer.validated_data.get("cart_version"),
        )
        placed_now = getattr(order, "placed_now", False)
        code = status.HTTP_201_CREATED if placed_now else status.HTTP_200_OK
        return Response(serializers.OrderSerializer(order_data(order)).data, status=code)
