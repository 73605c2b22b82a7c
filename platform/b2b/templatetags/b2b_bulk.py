"""``{% load b2b_bulk %}``: whether the signed-in person buys for a company (the header's
"Quick order" link, the account menu's bulk pages)."""

from django import template

from accounts import permissions

register = template.Library()


@register.filter
def buys_for_company(user) -> bool:
    """A member of an approved company who may place its orders (buyers and admins; a
    pending or rejected company's members buy as consumers). Anonymous: no
    query; a person: the membership read once per request (cached on the user, shared with
    the permission checks)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return permissions.buying_company_of(user) is not None and permissions.has_permission(
        user, permissions.PLACE_COMPANY_ORDERS
    )


@register.filter
def member_of_company(user) -> bool:
    """Any member of a company (who sees its requisition lists)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return permissions.company_of(user) is not None
