"""Reads of a company's orders: its members' and keys' view (the B2B order API, the approvals
page). Every query is bounded to one company; an order of another company is never found."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from orders.models import Order, OrderEvent, OrderStatus


def company_orders(*, company, status: str | None = None, updated_since=None) -> QuerySet[Order]:
    """The orders of ``company`` (newest first), optionally of one ``status`` or changed
    since ``updated_since`` (an aware datetime, inclusive), with their lines, their buyer and
    the approval decisions (three queries for any number of rows)."""
    orders = (
        Order.objects.filter(company=company)
        .select_related("user")
        .prefetch_related(
            "lines",
            Prefetch(
                "events",
                queryset=OrderEvent.objects.filter(
                    kind=OrderEvent.Kind.STATUS_CHANGED,
                    from_status=OrderStatus.AWAITING_APPROVAL,
                ).select_related("actor"),
                to_attr="approval_events",
            ),
        )
        .order_by("-pk")
    )
    if status:
        orders = orders.filter(status=status)
    if updated_since is not None:
        orders = orders.filter(updated_at__gte=updated_since)
    return orders


def company_order(*, company, pk) -> Order | None:
    """Order ``pk`` of ``company`` (None for any other, or a pk out of range)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return company_orders(company=company).filter(pk=pk).first()


def awaiting_approval(*, company) -> QuerySet[Order]:
    """The orders of ``company`` waiting for an approver, oldest first (who waited longest)."""
    return company_orders(company=company, status=OrderStatus.AWAITING_APPROVAL).order_by("pk")


def awaiting_approval_in_store(*, company=None) -> QuerySet[Order]:
    """Every company's orders waiting for an approver (the store admin's read-only screen),
    oldest first, with their company and buyer; only ``company``'s when given."""
    orders = (
        Order.objects.filter(status=OrderStatus.AWAITING_APPROVAL, company__isnull=False)
        .select_related("company", "user")
        .order_by("placed_at", "pk")
    )
    if company is not None:
        orders = orders.filter(company=company)
    return orders


def decision_of(order: Order) -> OrderEvent | None:
    """The approver's decision on ``order`` (approved or rejected), if any (prefetched by
    :func:`company_orders`)."""
    events = getattr(order, "approval_events", None)
    if events is None:
        events = list(
            order.events.filter(
                kind=OrderEvent.Kind.STATUS_CHANGED, from_status=OrderStatus.AWAITING_APPROVAL
            ).select_related("actor")
        )
    return events[-1] if events else None
