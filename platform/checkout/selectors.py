"""Reads of checkouts: which checkout a caller may see, and the address book offered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from cart.models import Cart
from checkout.models import Checkout
from pricing import Buyer


def checkout_for(token, *, buyer: Buyer) -> Checkout | None:
    """The checkout of this store named ``token`` that ``buyer`` may see, else None (one
    query). A checkout belongs to its cart's owner: an API key's cart to that key, an account's
    cart to that person, an anonymous cart to whoever holds the (unguessable) token. A checkout
    whose cart was merged or expired is gone; an ordered one is still found (its order)."""
    try:
        value = uuid.UUID(str(token).strip())
    except (TypeError, ValueError, AttributeError):
        return None
    found = (
        Checkout.objects.select_related("cart", "delivery_option")
        .filter(token=value, cart__status__in=(Cart.Status.OPEN, Cart.Status.ORDERED))
        .first()
    )
    if found is None or not may_see(found, buyer):
        return None
    return found


def may_see(checkout: Checkout, buyer: Buyer) -> bool:
    cart = checkout.cart
    if cart.api_key_id is not None:
        return buyer.api_key is not None and buyer.api_key.pk == cart.api_key_id
    if cart.user_id is not None:
        return buyer.user is not None and buyer.api_key is None and buyer.user.pk == cart.user_id
    return True


def checkout_of_cart(cart: Cart | None) -> Checkout | None:
    if cart is None:
        return None
    return Checkout.objects.select_related("cart", "delivery_option").filter(cart=cart).first()


def address_book(user) -> list:
    """The signed-in shopper's saved addresses (accounts.Address), defaults first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    from accounts.models import Address

    return list(
        Address.objects.filter(user=user).order_by(
            "-is_default_shipping", "-is_default_billing", "id"
        )
    )


def address_as_dict(address) -> dict:
    """An address book entry as a checkout's address dict."""
    from checkout.addresses import FIELDS

    return {name: str(getattr(address, name, "") or "") for name in FIELDS}


@dataclass(frozen=True)
class CheckoutState:
    """A checkout as its pages and API show it: what was given, the totals now, the payment
    methods offered, what is still missing, and the order once placed."""

    checkout: Checkout
    totals: object  # checkout.calculations.CheckoutTotals
    payment_methods: list
    missing: dict
    order: object | None

    @property
    def is_completed(self) -> bool:
        return self.order is not None


def checkout_state(checkout: Checkout, buyer: Buyer) -> CheckoutState:
    """The state of ``checkout`` for ``buyer``: a constant number of queries whatever the
    number of lines (the totals', plus the order of an ordered cart)."""
    from checkout import calculations, payment_methods
    from checkout.services import required_fields

    order = None
    if checkout.cart.status == Cart.Status.ORDERED:
        from orders.models import Order

        order = Order.objects.filter(checkout_token=checkout.token).first()
    totals = calculations.totals(checkout, buyer)
    return CheckoutState(
        checkout=checkout,
        totals=totals,
        payment_methods=payment_methods.methods_for(totals),
        missing=required_fields(checkout, totals) if order is None else {},
        order=order,
    )


def delivery_options(checkout: Checkout, totals) -> list:
    """The options offered for the checkout's shipping address and parcel ([] without an
    address), priced now (shipping.selectors.options_for: three queries at most)."""
    from checkout.calculations import destination
    from money import Money
    from shipping.selectors import Parcel, options_for

    if not checkout.shipping_address:
        return []
    subtotal = totals.subtotal if isinstance(totals.subtotal, Money) else None
    parcel = Parcel(weight_grams=totals.weight_grams, subtotal=subtotal)
    return options_for(address=destination(checkout.shipping_address), parcel=parcel)
