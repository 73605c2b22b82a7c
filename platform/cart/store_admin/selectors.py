"""Reads of carts for the store admin: one page of carts with what each row shows, priced
by ``pricing.price_for`` as the shopper would be, in a constant number of queries.

Beside ``cart.selectors`` (the shopper's reads) rather than in it: these are the staff's
questions (who, how much, abandoned since when, reminded or not), asked of many carts at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

import money
from cart import rules
from cart.abandonment import ABANDONED
from cart.models import Cart, CartLine
from pricing import Buyer, Channel, prices_and_rules_for

GUEST = "Guest"

_LINE_FIELDS = (
    "id",
    "cart_id",
    "variant_id",
    "quantity",
    "variant__id",
    "variant__price",
    "variant__b2b_price",
    "variant__compare_at_price",
    "variant__stock_on_hand",
    "variant__stock_reserved",
    "variant__stock_policy",
    "variant__quantity_min",
    "variant__quantity_max",
    "variant__quantity_step",
    "variant__product__id",
    "variant__product__status",
    "variant__product__visible_b2c",
    "variant__product__visible_b2b",
)


@dataclass(frozen=True)
class CartRow:
    """What the carts list shows of one cart."""

    customer: str
    item_count: int
    line_count: int
    subtotal: money.Money
    abandoned: bool


def cart_list() -> QuerySet[Cart]:
    """Every cart of the store, most recently changed first, with what its row needs: the
    owner (and their company, which sets their prices), the API key, and the lines with their
    variants and products (fetched for the displayed page only)."""
    lines = CartLine.objects.select_related("variant__product").only(*_LINE_FIELDS).order_by("pk")
    return (
        Cart.objects.select_related(
            "user__company_membership__company", "api_key__company", "api_key__created_by"
        )
        .prefetch_related(Prefetch("lines", queryset=lines, to_attr="admin_lines"))
        .order_by("-updated_at", "-pk")
    )


def abandoned_carts(queryset: QuerySet[Cart]) -> QuerySet[Cart]:
    return queryset.filter(ABANDONED)


def buyer_of_listed_cart(cart: Cart) -> Buyer:
    """The buyer a cart of :func:`cart_list` is priced for, from what the list selected
    (no query): as ``cart.selectors.buyer_of_cart`` says, for many carts at once."""
    if cart.api_key_id is not None:
        key = cart.api_key
        return Buyer(channel=Channel.B2B, user=key.created_by, company=key.company, api_key=key)
    if cart.user_id is not None:
        membership = getattr(cart.user, "company_membership", None)
        if membership is not None:
            return Buyer(channel=Channel.B2B, user=cart.user, company=membership.company)
        return Buyer(channel=Channel.B2C, user=cart.user)
    return Buyer.anonymous()


def customer_label(cart: Cart) -> str:
    """Who a cart belongs to as staff read it: the account, a company's API key, or Guest."""
    if cart.user_id is not None:
        user = cart.user
        name = user.get_full_name()
        return f"{name} <{user.email}>" if name else user.email
    if cart.api_key_id is not None:
        key = cart.api_key
        owner = key.company.name if key.company_id else "the store"
        return f"API key “{key.name}” ({owner})"
    return GUEST


def cart_row(cart: Cart) -> CartRow:
    """The row of a cart of :func:`cart_list` (computed once per cart and kept on it)."""
    cached = getattr(cart, "_admin_row", None)
    if cached is not None:
        return cached
    currency = money.store_currency()
    buyer = buyer_of_listed_cart(cart)
    lines = getattr(cart, "admin_lines", None)
    if lines is None:  # a cart not read through cart_list
        lines = list(CartLine.objects.filter(cart=cart).select_related("variant__product"))
    subtotal = money.Money.zero(currency)
    # A cart's lines priced at once, each for its quantity (B2B volume breaks): no query for
    # B2C carts, a constant few for a company's cart with price lists.
    variants = [line.variant for line in lines if line.variant is not None]
    quantities = {line.variant_id: line.quantity for line in lines if line.variant is not None}
    prices, quantity_rules = prices_and_rules_for(
        variants, buyer, quantity=quantities, currency=currency
    )
    for line in lines:
        variant = line.variant
        if rules.is_sellable(variant, buyer) and not rules.quantity_errors(
            variant, line.quantity, quantity_rules.get(line.variant_id)
        ):
            price = prices[variant.pk]
            subtotal = subtotal + money.Money(price.amount * line.quantity, currency)
    row = CartRow(
        customer=customer_label(cart),
        item_count=sum(line.quantity for line in lines),
        line_count=len(lines),
        subtotal=subtotal,
        abandoned=is_abandoned(cart),
    )
    cart._admin_row = row
    return row


def is_abandoned(cart: Cart) -> bool:
    """:data:`cart.abandonment.ABANDONED`, for a cart in hand."""
    return (
        cart.status == Cart.Status.OPEN
        and cart.abandoned_at is not None
        and cart.updated_at <= cart.abandoned_at
    )


def cart_detail(pk: int) -> Cart | None:
    """A cart for its admin page (its lines come from ``cart.selectors.cart_view``)."""
    return (
        Cart.objects.select_related(
            "user__company_membership__company", "api_key__company", "api_key__created_by"
        )
        .filter(pk=pk)
        .first()
    )


def open_cart_of(user) -> Cart | None:
    """The customer's open cart (one at most), for their page in the admin."""
    return cart_list().filter(user=user, status=Cart.Status.OPEN).first()
