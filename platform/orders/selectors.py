"""Reads of orders (screens, API, dashboard and the other apps ask here)."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from orders.models import (
    FulfilmentStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderSettings,
    OrderStatus,
)


def _month_start(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def orders_this_month() -> int:
    """Orders placed since the first of this month (the plan's ``monthly_orders``)."""
    return Order.objects.filter(placed_at__gte=_month_start()).count()


def currency_lock(tenant) -> str | None:
    """tenants.currency_locks: a store with orders keeps its currency."""
    if Order.objects.exists():
        return "The store has orders: its currency is fixed."
    return None


def order_detail(*, pk) -> Order | None:
    """One order with its lines, events and fulfilments (four queries whatever their count)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk <= 2147483647:
        return None
    return (
        Order.objects.filter(pk=pk)
        .select_related("user", "company")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
            "fulfilments__lines",
        )
        .first()
    )


def order_by_number(number) -> Order | None:
    try:
        number = int(number)
    except (TypeError, ValueError):
        return None
    if not 0 < number <= 2147483647:
        return None
    return Order.objects.filter(number=number).first()


def orders_of(user):
    """A shopper's orders, newest first."""
    return Order.objects.filter(user=user).order_by("-placed_at", "-pk")


def dashboard_figures(now: datetime | None = None) -> dict:
    """Orders today, revenue today (not cancelled) and orders to fulfil: one query."""
    now = timezone.localtime(now or timezone.now())
    start = timezone.make_aware(datetime.combine(now.date(), time.min), now.tzinfo)
    today = Q(placed_at__gte=start) & ~Q(status=OrderStatus.CANCELLED)
    return Order.objects.aggregate(
        today=Count("pk", filter=Q(placed_at__gte=start)),
        revenue=Sum("total", filter=today, default=0),
        to_fulfil=Count(
            "pk",
            filter=Q(status__in=[OrderStatus.PENDING, OrderStatus.PROCESSING])
            & ~Q(fulfilment_status=FulfilmentStatus.FULFILLED),
        ),
    )


def variant_id_for_sku(sku: str) -> int | None:
    """The id of the product variant with this SKU (an edit adds it to an order), or None."""
    from catalog.models import ProductVariant

    sku = (sku or "").strip()
    if not sku:
        return None
    return ProductVariant.objects.filter(sku=sku).values_list("pk", flat=True).first()


def staff_notification_email() -> str:
    """Where the store's own emails go (Settings > Notifications); empty: none are sent."""
    found = OrderSettings.objects.filter(pk=1).values_list("notify_staff_email", flat=True)
    return found.first() or ""
