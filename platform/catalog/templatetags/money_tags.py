"""``{{ amount|money }}``: an amount as people read it, in the store's currency (or the one
given: ``{{ amount|money:"EUR" }}``), formatted by the money module."""

from django import template

import money as money_module

register = template.Library()


@register.filter
def money(amount, currency: str | None = None) -> str:
    return money_module.format_money(amount, currency or money_module.store_currency())
