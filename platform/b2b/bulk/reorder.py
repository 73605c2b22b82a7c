"""Reorder: a past order's lines back in the cart at today's prices, with a report of those
that can no longer be had as ordered (no longer sold, not available to the buyer, out of
stock, quantity rules changed).

Which orders: a person's own orders and, for a member of a company, every order of that
company (colleagues reorder each other's regular purchases); a company's API key reorders
its company's orders. Any other number is not found (404), another store's included.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q

from b2b.bulk import quick_order
from b2b.bulk.lines import RequestedLine
from b2b.errors import OrderNotFound
from orders.models import Order, OrderLine

MAX_NUMBER = 2147483647


def reorderable_order(*, number, user=None, company=None) -> Order:
    """The order ``number`` of ``user`` or of ``company``, with its lines (two queries);
    OrderNotFound (404) otherwise."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 0
    whose = Q(pk__in=[])
    if user is not None and getattr(user, "is_authenticated", False):
        whose |= Q(user=user)
    if company is not None:
        whose |= Q(company=company)
    found = None
    if 0 < number <= MAX_NUMBER:
        found = (
            Order.objects.filter(whose, number=number)
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))
            .first()
        )
    if found is None:
        raise OrderNotFound("No such order.")
    return found


def reorder(*, order: Order, buyer, owner) -> quick_order.QuickOrderReport:
    """Add the order's lines that can still be bought as ordered to ``owner``'s cart, priced
    today (cart.services), and report the others row by row (row = the order's line number)."""
    requested = [
        RequestedLine(
            row=number, sku=line.sku, quantity=line.quantity, variant_id=line.variant_id or -1
        )
        for number, line in enumerate(order.lines.all(), start=1)
    ]
    return quick_order.add_available(lines=requested, buyer=buyer, owner=owner)
