"""Template tags of the catalog pages: prices in the shopper's channel, product images."""

from django import template

import money as money_module
from catalog.summaries import ListedVariant
from pricing import Channel, PriceBook, price_for
from storefront_cms.images import listing_image

register = template.Library()


@register.filter
def money(amount, currency: str | None = None) -> str:
    """``$20.00``, ``¥1,200``, ``CHF 12.00``: money.format_money, in the store's currency
    unless another is given."""
    return money_module.format_money(amount, currency or money_module.store_currency())


@register.simple_tag
def card_price(product, channel: Channel, book: PriceBook | None = None) -> dict:
    """What a card shows as price on ``channel``, each variant priced by pricing.price_for
    (or by the page's ``book``, pricing.price_book: a company's price lists, net of tax):
    ``{"amount", "currency", "from", "compare_at", "net"}`` (the cheapest variant's price,
    "From" when others cost more, its struck-through price when it has one, and whether it
    is shown net of tax)."""
    variants = product.listing.get("variants") or []
    if isinstance(book, PriceBook):
        prices = [book.price(variant) for variant in variants]
    else:
        prices = [price_for(ListedVariant.from_summary(variant), channel) for variant in variants]
    if not prices:
        return {"amount": None, "currency": money_module.store_currency(), "from": False}
    cheapest = min(prices, key=lambda price: price.amount)
    return {
        "amount": cheapest.amount,
        "currency": cheapest.currency,
        "from": any(price.amount > cheapest.amount for price in prices),
        "compare_at": cheapest.compare_at if cheapest.is_discounted else None,
        "net": isinstance(book, PriceBook) and book.net,
    }


@register.simple_tag
def first_image(product):
    images = product.listing.get("images") or []
    return listing_image(images[0]) if images else None


@register.inclusion_tag("storefront/includes/product_image.html")
def product_image(image, alt=None, sizes: str = "100vw", eager: bool = False, css_class: str = ""):
    """A <picture> of a listing image: WebP and original renditions by width, its alt text
    (``alt`` overrides it: "" inside a link that names the product), its size (no layout
    shift), lazy unless it is above the fold."""
    return {
        "image": image,
        "alt": image.alt if alt is None else alt,
        "sizes": sizes,
        "eager": eager,
        "css_class": css_class,
    }


@register.filter
def clean_html(html: str) -> str:
    """A merchant's rich text (product descriptions) with only harmless tags and attributes:
    no script, event handler or javascript: link reaches a shopper's browser."""
    from django.utils.safestring import mark_safe
    from wagtail.whitelist import Whitelister

    return mark_safe(Whitelister().clean(html or ""))  # noqa: S308


@register.filter
def selected_any(options) -> bool:
    return any(option.selected for option in options)
