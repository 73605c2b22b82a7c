"""Reads of the wishlists: querysets and views shaped for their callers, in constant queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

import money
from catalog.models import Product, ProductVariant
from pricing import Buyer, Channel, Price, prices_for
from wishlists.models import Wishlist, WishlistItem


def wishlist_list(*, user) -> QuerySet[Wishlist]:
    """The lists of ``user``, the default first, each with its ``item_count``."""
    return Wishlist.objects.filter(user=user).annotate(item_count=Count("items"))


def wishlist_of(*, user, pk) -> Wishlist | None:
    """One list of ``user`` (None for another person's or an unknown id)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return wishlist_list(user=user).filter(pk=pk).first()


def shared_wishlist(*, token: str) -> Wishlist | None:
    """The list shared under ``token`` in the current store (None once revoked or unknown)."""
    if not token or len(token) > 64:
        return None
    return Wishlist.objects.filter(share_token=token).select_related("user").first()


def variant_is_available(variant: ProductVariant, channel: Channel = Channel.B2C) -> bool:
    """Whether the variant can be bought now on ``channel``: its product is active and sold
    there, and it has stock or takes backorders."""
    product = variant.product
    if product.status != Product.Status.ACTIVE:
        return False
    if not (product.visible_b2b if channel == Channel.B2B else product.visible_b2c):
        return False
    return (
        variant.stock_available > 0 or variant.stock_policy == ProductVariant.StockPolicy.BACKORDER
    )


@dataclass(frozen=True)
class ItemView:
    """One item of a list as the shopper sees it: today's price (price_for) and availability."""

    variant_id: int
    sku: str
    product_id: int
    product_name: str
    product_slug: str
    variant_label: str
    price: Price
    price_text: str
    price_when_added: Decimal
    price_when_added_text: str
    price_dropped: bool
    available: bool
    added_at: object


def variant_label(variant: ProductVariant) -> str:
    if variant.options:
        return ", ".join(
            f"{name.replace('_', ' ').capitalize()}: {value}"
            for name, value in variant.options.items()
        )
    return variant.name or variant.sku


def item_views(wishlist: Wishlist, *, buyer: Buyer) -> list[ItemView]:
    """The items of ``wishlist`` priced for ``buyer``: one query whatever their number."""
    currency = money.store_currency()
    items = list(wishlist.items.select_related("variant__product").order_by("-added_at", "-pk"))
    # Every item priced at once (a company's price lists: a constant few queries).
    prices = prices_for([item.variant for item in items], buyer, currency=currency)
    views = []
    for item in items:
        variant = item.variant
        price = prices[variant.pk]
        views.append(
            ItemView(
                variant_id=variant.pk,
                sku=variant.sku,
                product_id=variant.product_id,
                product_name=variant.product.name,
                product_slug=variant.product.slug,
                variant_label=variant_label(variant),
                price=price,
                price_text=str(price),
                price_when_added=item.price_when_added,
                price_when_added_text=money.format_money(item.price_when_added, currency),
                price_dropped=price.amount < item.price_when_added,
                available=variant_is_available(variant, buyer.channel),
                added_at=item.added_at,
            )
        )
    return views


def wishlists_with_items(*, user) -> QuerySet[Wishlist]:
    """The lists of ``user`` with their items and variants prefetched (two more queries)."""
    items = WishlistItem.objects.select_related("variant__product")
    return wishlist_list(user=user).prefetch_related(Prefetch("items", queryset=items))
