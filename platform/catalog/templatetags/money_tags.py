"""``{{ amount|money }}``: an amount as people read it, in the store's currency (or the one
given: ``{{ amount|money:"EUR" }}``), formatted by the money module; ``{{ rate|percentage }}``:
a tax rate without its trailing zeros."""

from decimal import Decimal, InvalidOperation

from django import template

import money as money_module

register = template.Library()


@register.filter
def money(amount, currency: str | None = None) -> str:
    return money_module.format_money(amount, currency or money_module.store_currency())


@register.filter
def percentage(rate) -> str:
    """``{{ rate|percentage }}``: a rate as people write it, "7.25" for a stored 7.2500 and
    "20" for 20.0000 (the text given back when it is not a number)."""
    try:
        value = Decimal(str(rate))
    except (InvalidOperation, ValueError):
        return str(rate)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def with_rate(name, rate) -> str:
    """``{{ line.name|with_rate:line.rate }}``: a tax line's label, its name followed by its
    rate unless the name already says it ("VAT (20%)", but "California sales tax 7.25%")."""
    label = name or "Tax"
    if rate in (None, ""):
        return label
    shown = f"{percentage(rate)}%"
    return label if shown in label.replace(" %", "%") else f"{label} ({shown})"
