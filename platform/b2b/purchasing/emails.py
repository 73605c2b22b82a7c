"""The approval emails: to the company's approvers when an order waits for them, to the buyer
when it is approved or rejected. Each is sent once.

Receivers of the orders' signals (after commit) queue ``b2b.purchasing.tasks.
send_approval_email`` in the store's schema; the task claims the (order, kind, key) row of
``orders.OrderEmail`` first (its unique constraint; ``key`` is the recipient's user id), so a
task delivered twice sends one email, and a failed send drops the claim for a retry.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string

from accounts.models import CompanyMembership, User
from b2b.purchasing.approvals import DECIDING_ROLES
from orders.models import Order, OrderEmail, OrderEvent, OrderStatus

Kind = OrderEmail.Kind

SUBJECTS = {
    Kind.APPROVAL_REQUESTED: "Order #{number} of {company} waits for your approval",
    Kind.APPROVED: "Your order #{number} was approved",
    Kind.REJECTED: "Your order #{number} was rejected",
}


def on_order_placed(sender=None, *, order_id, **kwargs) -> None:
    """An order that waits for approval: one email to each approver and admin of its company
    (the buyer excepted)."""
    order = Order.objects.filter(pk=order_id, status=OrderStatus.AWAITING_APPROVAL).first()
    if order is None or order.company_id is None:
        return
    approvers = (
        CompanyMembership.objects.filter(company_id=order.company_id, role__in=DECIDING_ROLES)
        .exclude(user_id=order.user_id)
        .values_list("user_id", flat=True)
    )
    for user_id in approvers:
        _queue(order_id, Kind.APPROVAL_REQUESTED, str(user_id))


def on_order_status_changed(
    sender=None, *, order_id, kind, from_status, to_status, data=None, **kwargs
) -> None:
    """An approver's decision: the buyer is told."""
    data = data or {}
    if kind != "status" or from_status != OrderStatus.AWAITING_APPROVAL:
        return
    if to_status == OrderStatus.PENDING:
        _queue(order_id, Kind.APPROVED, "")
    elif to_status == OrderStatus.CANCELLED and data.get("by") == "approver":
        _queue(order_id, Kind.REJECTED, "")


def _queue(order_id: int, kind: str, key: str) -> None:
    from b2b.purchasing.tasks import send_approval_email

    send_approval_email.delay(order_id, kind, key)


def send_approval_email(*, order_id: int, kind: str, key: str = "") -> bool:
    """Send one approval email unless it was sent already (returns whether it sent now)."""
    order = Order.objects.filter(pk=order_id).select_related("user", "company").first()
    if order is None:
        return False
    recipient = _recipient(order, kind, key)
    if not recipient:
        return False
    try:
        with transaction.atomic():
            claim = OrderEmail.objects.create(order=order, kind=kind, key=key, recipient=recipient)
    except IntegrityError:
        return False
    try:
        context = _context(order, kind)
        template = f"b2b/purchasing/email/{kind}"
        send_mail(
            subject=SUBJECTS[kind].format(
                number=order.number, company=getattr(order.company, "name", "your company")
            ),
            message=render_to_string(f"{template}.txt", context),
            html_message=render_to_string(f"{template}.html", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient],
        )
    except Exception:
        claim.delete()
        raise
    OrderEvent.objects.create(
        order=order, kind=OrderEvent.Kind.EMAIL_SENT, data={"email": kind, "key": key}
    )
    return True


def _recipient(order: Order, kind: str, key: str) -> str:
    if kind == Kind.APPROVAL_REQUESTED:
        if not key.isdigit():
            return ""
        user = User.objects.filter(
            pk=int(key),
            is_active=True,
            company_membership__company_id=order.company_id,
            company_membership__role__in=DECIDING_ROLES,
        ).first()
        return user.email if user is not None else ""
    return order.email


def _context(order: Order, kind: str) -> dict:
    import money

    tenant = getattr(connection, "tenant", None)
    decision = (
        order.events.filter(to_status__in=(OrderStatus.PENDING, OrderStatus.CANCELLED))
        .exclude(from_status="")
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    store_url = (getattr(tenant, "url", "") or "").rstrip("/")
    return {
        "order": order,
        "company": order.company,
        "lines": list(order.lines.all()),
        "total": money.format_money(order.total, order.currency),
        "store_name": getattr(tenant, "name", "") or "our store",
        "store_url": store_url,
        "approvals_url": f"{store_url}/account/company/approvals/{order.pk}/",
        "order_url": f"{store_url}/account/orders/{order.number}/",
        "decision": decision if kind != Kind.APPROVAL_REQUESTED else None,
    }
