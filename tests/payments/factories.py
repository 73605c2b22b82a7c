"""Payments test data: an order placed by orders.actions (price 10.00 x quantity + 5.00
shipping), and its COD payment created by the payments' service."""

from payments import services
from tests.orders.factories import make_variant, place


def cod_order(quantity: int = 2, *, price: str = "10.00", shipping: str = "5.00", **kwargs):
    """An order of ``quantity`` mugs at ``price`` plus ``shipping``, paid by COD."""
    variant = make_variant(price=price)
    return place([(variant, quantity)], shipping=shipping, payment_method="cod", **kwargs)


def cod_payment(quantity: int = 2, **kwargs):
    """A COD order and its pending payment (COD must be enabled)."""
    order = cod_order(quantity, **kwargs)
    return services.create_payment_for_order(order=order).payment
