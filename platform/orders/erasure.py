"""Erasure: an erased account's orders keep their amounts and lines (the merchant's books) but
lose what says who the person was: email, names, addresses, phone, notes."""

from django.utils import timezone

from orders.models import Order, OrderEvent

ERASED_EMAIL = ""


def _blank_address(address: dict) -> dict:
    """Keep the country (tax and shipping records), drop everything that identifies."""
    if not isinstance(address, dict) or not address:
        return {}
    return {"country": address.get("country", "")}


def anonymise_orders_of(sender=None, *, user, **kwargs) -> int:
    """accounts.events.account_erased receiver (inside the erasure's transaction)."""
    orders = list(Order.objects.select_for_update().filter(user=user))
    now = timezone.now()
    for order in orders:
        order.email = ERASED_EMAIL
        order.shipping_address = _blank_address(order.shipping_address)
        order.billing_address = _blank_address(order.billing_address)
        order.note = ""
        order.anonymised_at = now
    Order.objects.bulk_update(
        orders, ["email", "shipping_address", "billing_address", "note", "anonymised_at"]
    )
    ids = [order.pk for order in orders]
    # Notes staff wrote may name the person: the events keep what happened, not the words.
    OrderEvent.objects.filter(order_id__in=ids).exclude(note="").update(note="")
    OrderEvent.objects.bulk_create(
        [OrderEvent(order_id=pk, kind=OrderEvent.Kind.ANONYMISED) for pk in ids]
    )
    return len(orders)
