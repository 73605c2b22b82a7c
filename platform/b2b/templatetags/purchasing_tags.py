"""Template helpers of purchasing: whether the signed-in person approves company orders (the
account menu's "Approvals" link)."""

from django import template

from b2b.purchasing.approvals import is_approver

register = template.Library()


@register.filter
def approves_orders(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and is_approver(user)
