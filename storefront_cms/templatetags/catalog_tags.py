"""Template tags of the catalog pages: prices in the shopper's channel, product images."""

from decimal import Decimal, InvalidOperation

from django import template

from pricing import Channel
from storefront_cms.images import listing_image

register = template.Library()

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}


@register.filter
def money(amount, currency: str = "USD") -> str:
    """``$20.00``, ``€9.50``, ``CHF 12.00``: two decimals (the catalog stores cents)."""
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return ""
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{value:,.2f}" if symbol else f"{currency} {value:,.2f}"


@register.simple_tag
def card_price(product, channel) -> dict:
    """What a card shows as price on ``channel``: ``{"amount", "currency", "from"}``."""
    b2b = channel == Channel.B2B
    low = product.min_b2b_price if b2b else product.min_price
    high = product.max_b2b_price if b2b else product.max_price
    variants = product.listing.get("variants") or [{}]
    return {
        "amount": low,
        "currency": variants[0].get("currency", "USD"),
        "from": low is not None and high is not None and high > low,
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
