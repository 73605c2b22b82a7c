"""Reads of checkouts: which checkout a caller may see, and the address book offered."""

from __future__ import annotations

import uuid

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
