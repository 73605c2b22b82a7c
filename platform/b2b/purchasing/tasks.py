"""Celery tasks of purchasing: thin, idempotent (an email is sent once per order, kind and
recipient: b2b.purchasing.emails). Sent from a store, they run in its schema."""

from celery import shared_task


@shared_task
def send_approval_email(order_id: int, kind: str, key: str = "") -> bool:
    from b2b.purchasing.emails import send_approval_email as send

    return send(order_id=order_id, kind=kind, key=key)
