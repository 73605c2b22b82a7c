"""``{% signup_is_open as open %}``: whether this host offers sign-up (the adapter decides)."""

from allauth.account.adapter import get_adapter
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_is_open(context) -> bool:
    request = context.get("request")
    return request is not None and get_adapter(request).is_open_for_signup(request)
