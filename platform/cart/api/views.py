"""The cart API, ``/api/v1/cart/``: validate, call one service or selector, answer the cart.

Who has a cart here (cart.identify): an anonymous client (its token comes in the answer's
``token``; send it back as ``X-Cart-Token``), a signed-in person (the account's cart, on every
device), a company's API key with the ``orders:place`` scope (the key's own cart, priced for
its company). The store's own API keys are refused (403): they sell, they do not buy. Every
answer is the whole cart, priced now (cart.selectors.cart_view).
"""

import hashlib

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import RequiresPermission
from accounts.models import ApiKey
from cart import identify, selectors, services
from cart.api import serializers
from idempotency.api import IdempotentCreateMixin
from pricing import buyer_for

CART_TOKEN_HEADER = OpenApiParameter(
    name=identify.HEADER_NAME,
    type=OpenApiTypes.UUID,
    location=OpenApiParameter.HEADER,
    required=False,
    description="An anonymous cart's token (from an earlier answer's `token`). A token that "
    "names no open cart of this store answers 404 `cart_not_found`. Ignored when the request "
    "is signed in or made with an API key.",
)
METHODS = ("GET", "POST", "PATCH", "DELETE")


class CartAccess(BasePermission):
    """Anyone may have a cart; an API key only a company's, with the ``orders:place`` scope
    (accounts.api.permissions decides, from the view's ``company_key_scopes``)."""

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiKey):
            return RequiresPermission().has_permission(request, view)
        return True


class CartApiView(APIView):
    permission_classes = [CartAccess]
    required_permissions = {method: None for method in METHODS}
    company_key_scopes = {method: ApiKey.Scope.PLACE_ORDERS.value for method in METHODS}

    def buyer(self, request: Request):
        """The request's buyer, worked out once per request (the add and its answer)."""
        buyer = getattr(request, "_cart_buyer", None)
        if buyer is None:
            buyer = request._cart_buyer = buyer_for(user=request.user, auth=request.auth)
        return buyer

    def answer(
        self, request: Request, cart, *, status_code=status.HTTP_200_OK, lines=None
    ) -> Response:
        view = selectors.cart_view(cart, self.buyer(request), lines=lines)
        data = serializers.cart_data(view)
        if cart is not None and not cart.is_anonymous:
            data["token"] = None
        return Response(data, status=status_code)


@extend_schema(tags=["cart"], parameters=[CART_TOKEN_HEADER])
class CartView(CartApiView):
    @extend_schema(
        operation_id="cart_read",
        responses=serializers.CartSerializer,
        examples=[serializers.CART_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        """The cart, priced now: lines with their unit price, compare-at price, line total and
        notices, the subtotal and the currency. Without a cart, an empty one (`token` null)."""
        return self.answer(request, identify.cart_for_request(request))

    @extend_schema(
        operation_id="cart_clear",
        responses={200: serializers.CartSerializer},
        examples=[serializers.CART_EXAMPLE],
    )
    def delete(self, request: Request) -> Response:
        """Remove every line; answers the (empty) cart."""
        cart = identify.cart_for_request(request)
        if cart is not None:
            services.clear(cart=cart)
        return self.answer(request, cart)


@extend_schema(tags=["cart"], parameters=[CART_TOKEN_HEADER])
class CartLinesView(IdempotentCreateMixin, CartApiView):
    def idempotency_caller(self, request: Request) -> str | None:
        """The API key, else the signed-in person, else the anonymous cart's token (its
        digest: the token itself is a secret); None without any (a key is then refused)."""
        caller = super().idempotency_caller(request)
        if caller is not None:
            return caller
        token = identify.request_token(request)
        if not token:
            return None
        return "cart:" + hashlib.sha256(str(token).strip().encode()).hexdigest()

    @extend_schema(
        operation_id="cart_lines_add",
        request=serializers.AddLineSerializer,
        responses={201: serializers.CartSerializer, 200: serializers.CartSerializer},
        examples=[
            serializers.ADD_EXAMPLE,
            serializers.CART_EXAMPLE,
            serializers.REFUSED_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        """Add a quantity of a variant: 201 when it makes a new line, 200 when added to the
        line the cart has. Creates the cart when there is none (its `token` is in the answer).

        400 with the reason per field, the cart unchanged: `variant` (unknown, not sold to
        you, a 251st line), `quantity` (not a whole number from 1, below the variant's minimum,
        off its step, above its maximum or the stock)."""
        serializer = serializers.AddLineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quantity = serializer.validated_data["quantity"]
        # One transaction, the cart found and locked by its first query; a refused add leaves
        # nothing behind, not even the cart it would have made.
        added = services.add_to_cart(
            owner=identify.owner_of(request),
            variant_id=serializer.validated_data["variant"],
            quantity=quantity,
            buyer=self.buyer(request),
        )
        # Lines hold at least 1: a line holding just what was added is new.
        code = status.HTTP_201_CREATED if added.line.quantity == quantity else status.HTTP_200_OK
        # Answered from the lines the add read under the cart's lock (no second read).
        return self.answer(request, added.cart, status_code=code, lines=added.lines)


@extend_schema(tags=["cart"], parameters=[CART_TOKEN_HEADER])
class CartLineView(CartApiView):
    @extend_schema(
        operation_id="cart_line_set_quantity",
        request=serializers.SetQuantitySerializer,
        responses=serializers.CartSerializer,
        examples=[
            serializers.SET_EXAMPLE,
            serializers.CART_EXAMPLE,
            serializers.REFUSED_EXAMPLE,
        ],
    )
    def patch(self, request: Request, variant_id: int) -> Response:
        """Set the quantity of the variant's line (404 when the cart has none); refused as
        adding is, the cart unchanged."""
        serializer = serializers.SetQuantitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cart = _existing_cart(request)
        services.set_quantity(
            cart=cart,
            variant_id=variant_id,
            quantity=serializer.validated_data["quantity"],
            buyer=self.buyer(request),
        )
        return self.answer(request, cart)

    @extend_schema(
        operation_id="cart_line_remove",
        responses={200: serializers.CartSerializer},
        examples=[serializers.CART_EXAMPLE],
    )
    def delete(self, request: Request, variant_id: int) -> Response:
        """Remove the variant's line. Removing a line the cart does not have changes nothing
        (two tabs removing one line both get the cart they wanted)."""
        cart = identify.cart_for_request(request)
        if cart is not None:
            services.remove_line(cart=cart, variant_id=variant_id)
        return self.answer(request, cart)


def _existing_cart(request: Request):
    from cart.errors import CartLineNotFound

    cart = identify.cart_for_request(request)
    if cart is None:
        raise CartLineNotFound("This variant is not in the cart.")
    return cart
