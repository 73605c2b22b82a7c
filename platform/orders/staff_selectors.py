"""Reads of orders for staff (store admin list and detail, staff API, CSV export).

``staff_orders(filters)`` is one query for a page of orders whatever their number (the user is
joined, nothing else is read per row). Filters are already validated (``OrderFilters``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from orders.models import Order

MAX_INT = 2147483647


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    payment_status: str = ""
    fulfilment_status: str = ""
    payment_method: str = ""
    channel: str = ""
    customer: int | None = None  # a user id
    placed_from: date | None = None
    placed_to: date | None = None
    q: str = ""


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def staff_orders(filters: OrderFilters | None = None) -> QuerySet[Order]:
    """Orders matching ``filters``, newest first, with their customer (one query a page)."""
    filters = filters or OrderFilters()
    orders = Order.objects.select_related("user")
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.payment_status:
        orders = orders.filter(payment_status=filters.payment_status)
    if filters.fulfilment_status:
        orders = orders.filter(fulfilment_status=filters.fulfilment_status)
    if filters.payment_method:
        orders = orders.filter(payment_method=filters.payment_method)
    if filters.channel:
        orders = orders.filter(channel=filters.channel)
    if filters.customer is not None:
        orders = orders.filter(user_id=filters.customer)
    if filters.placed_from:
        orders = orders.filter(placed_at__gte=_start(filters.placed_from))
    if filters.placed_to:
        orders = orders.filter(placed_at__lte=_end(filters.placed_to))
    query = filters.q.strip()
    if query:
        match = (
            Q(email__icontains=query)
            | Q(shipping_address__full_name__icontains=query)
            | Q(billing_address__full_name__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
        )
        number = query.lstrip("#")
        if number.isdigit() and 0 < int(number) <= MAX_INT:
            match |= Q(number=int(number))
        orders = orders.filter(match)
    return orders.order_by("-placed_at", "-pk")
