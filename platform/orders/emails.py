"""The order emails: what is sent when, once.

Receivers of the orders' signals (after commit) queue ``orders.tasks.send_order_email`` in
the store's schema. The task claims the (order, kind, key) row of :class:`OrderEmail` first (a
unique constraint), so a task delivered twice, or two receivers racing, send one email; if
sending fails the claim is dropped and a retry sends.

To the shopper: confirmation (placed), shipped (each parcel, with carrier and tracking),
delivered, cancelled, refunded (each refund). To the store: a new order, when
``OrderSettings.notify_staff_email`` is set (Settings > Notifications; a new store's owner's
email at first).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string

from orders.models import Order, OrderEmail, OrderEvent, OrderSettings, OrderStatus

Kind = OrderEmail.Kind

SUBJECTS = {
    Kind.CONFIRMATION: "Your order #{number} at {store}",
    Kind.SHIPPED: "Your order #{number} is on its way",
    Kind.DELIVERED: "Your order #{number} was delivered",
    Kind.CANCELLED: "Your order #{number} was cancelled",
    Kind.REFUNDED: "A refund for your order #{number}",
    Kind.STAFF_NEW_ORDER: "New order #{number} ({total})",
}


def on_order_placed(sender=None, *, order_id, schema_name, **kwargs) -> None:
    _queue(order_id, Kind.CONFIRMATION, "")
    # An order waiting for its company's approver is not the store's yet: staff hear of it
    # once it is approved (below).
    if not Order.objects.filter(pk=order_id, status=OrderStatus.AWAITING_APPROVAL).exists():
        _queue(order_id, Kind.STAFF_NEW_ORDER, "")


def on_order_status_changed(
    sender=None, *, order_id, kind, from_status, to_status, data=None, **kwargs
) -> None:
    data = data or {}
    if kind in ("status", "fulfilment") and data.get("fulfilment_id"):
        _queue(order_id, Kind.SHIPPED, str(data["fulfilment_id"]))
    if kind == "status" and to_status == OrderStatus.DELIVERED:
        _queue(order_id, Kind.DELIVERED, "")
    approved = from_status == OrderStatus.AWAITING_APPROVAL and to_status == OrderStatus.PENDING
    if kind == "status" and approved:
        _queue(order_id, Kind.STAFF_NEW_ORDER, "")
    # A rejection by the company's approver has its own email (b2b.purchasing.emails).
    if kind == "status" and to_status == OrderStatus.CANCELLED and data.get("by") != "approver":
        _queue(order_id, Kind.CANCELLED, "")
    if kind == "payment_status" and to_status in ("refunded", "partially_refunded"):
        _queue(order_id, Kind.REFUNDED, str(data.get("amount", "")) + ":" + to_status)


def _queue(order_id: int, kind: str, key: str) -> None:
    from orders.tasks import send_order_email

    send_order_email.delay(order_id, kind, key[:64])


def send_order_email(*, order_id: int, kind: str, key: str = "") -> bool:
    """Send one order email unless it was sent already (returns whether it sent now)."""
    order = Order.objects.filter(pk=order_id).select_related("user").first()
    if order is None:
        return False
    recipient = _recipient(order, kind)
    if not recipient:
        return False
    try:
        with transaction.atomic():
            claim = OrderEmail.objects.create(order=order, kind=kind, key=key, recipient=recipient)
    except IntegrityError:
        return False
    try:
        context = _context(order, kind, key)
        template = f"orders/email/{kind}"
        send_mail(
            subject=SUBJECTS[kind].format(
                number=order.number, store=context["store_name"], total=context["total"]
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


def _recipient(order: Order, kind: str) -> str:
    if kind == Kind.STAFF_NEW_ORDER:
        return OrderSettings.load().notify_staff_email
    return order.email


def _context(order: Order, kind: str, key: str) -> dict:
    import money

    tenant = getattr(connection, "tenant", None)
    fulfilment = None
    if kind == Kind.SHIPPED and key.isdigit():
        fulfilment = (
            order.fulfilments.filter(pk=int(key)).prefetch_related("lines__order_line").first()
        )
    refund = key.split(":")[0] if kind == Kind.REFUNDED else ""
    lines = list(order.lines.all())
    return {
        "order": order,
        "lines": [
            {
                "name": line.product_name,
                "label": line.variant_label,
                "sku": line.sku,
                "quantity": line.quantity,
                # Like the checkout's review and the subtotal under it: net when the
                # store's prices exclude tax (the tax is its own line), gross when included.
                "amount": money.format_money(
                    line.gross if order.prices_include_tax else line.net, order.currency
                ),
            }
            for line in lines
        ],
        "store_name": getattr(tenant, "name", "") or "our store",
        "store_url": getattr(tenant, "url", "") or "",
        "subtotal": money.format_money(order.subtotal, order.currency),
        "shipping": money.format_money(order.shipping, order.currency),
        "tax": money.format_money(order.tax, order.currency),
        "total": money.format_money(order.total, order.currency),
        "fulfilment": fulfilment,
        "refund": money.format_money(refund, order.currency) if refund else "",
    }
