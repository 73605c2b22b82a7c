"""Signals the orders app sends, always after the transaction that made the change commits
(``transaction.on_commit``), so a receiver never sees an order that was rolled back.

- ``order_placed(sender=Order, order_id=..., schema_name=..., payment_method=...,
  company_id=...)`` — the last two as placed, so that a receiver with nothing to do for such
  an order need not read it.
- ``order_status_changed(sender=Order, order_id=..., from_status=..., to_status=...,
  kind=..., schema_name=..., data=...)`` — ``kind`` is "status", "payment_status" or
  "fulfilment_status" (which of the three statuses moved).

The order emails (orders.tasks) listen to them.
"""

from django.db import connection, transaction
from django.dispatch import Signal

order_placed = Signal()
order_status_changed = Signal()


def emit_order_placed(order) -> None:
    facts = {
        "order_id": order.pk,
        "schema_name": connection.schema_name,
        "payment_method": order.payment_method,
        "company_id": order.company_id,
    }
    transaction.on_commit(lambda: order_placed.send(sender=type(order), **facts))


def emit_status_changed(order, *, kind: str, from_status: str, to_status: str, data=None):
    schema_name = connection.schema_name
    order_id = order.pk
    transaction.on_commit(
        lambda: order_status_changed.send(
            sender=type(order),
            order_id=order_id,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            schema_name=schema_name,
            data=data or {},
        )
    )
