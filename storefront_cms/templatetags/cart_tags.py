"""Template filters of the storefront's cart (amounts formatted by platform/money.py only)."""

from django import template

import money

register = template.Library()


@register.filter
def amount(value, currency: str) -> str:
    """``value`` in ``currency`` as a shopper reads it (``$12.00``, ``¥1,200``)."""
    if value in (None, ""):
        return ""
    return money.format_money(value, currency)


@register.filter
def quantity_hint(variant) -> str:
    """How a variant is sold when it is not one by one: "Sold in 6s: 6, 12, 18…", "At least 2"."""
    if variant is None:
        return ""
    minimum, step = variant.quantity_min, variant.quantity_step
    if step > 1:
        examples = ", ".join(str(minimum + step * index) for index in range(3))
        return f"Sold in steps of {step}: {examples}…"
    if minimum > 1:
        return f"At least {minimum}."
    return ""
