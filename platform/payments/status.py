"""An order's payment status, derived from its payments (never set by hand).

What counts is money: the sum of what the payments received (``captured_amount``) and gave
back (``refunded_amount``), against the order's total. The table (``net`` = received -
refunded):

=====================  =============================  =======================
received               refunded                       status
=====================  =============================  =======================
nothing                —                              unpaid
less than the total    nothing                        partially_paid
the total              nothing                        paid
more than the total    nothing                        overpaid
anything               everything received            refunded
anything               some, net below the total      partially_refunded
anything               some, net equal to the total   paid (an overpayment's
                                                      excess given back)
anything               some, net above the total      overpaid
=====================  =============================  =======================
"""

from collections.abc import Iterable
from decimal import Decimal

from orders.models import PaymentStatus


def payment_status_for(payments: Iterable, *, total) -> PaymentStatus:
    """The payment status of an order of ``total`` (Money or Decimal) paid by ``payments``
    (Payment rows or anything with ``captured_amount`` and ``refunded_amount``)."""
    due = Decimal(getattr(total, "amount", total))
    received = Decimal(0)
    refunded = Decimal(0)
    for payment in payments:
        received += payment.captured_amount
        refunded += payment.refunded_amount
    if received <= 0:
        return PaymentStatus.UNPAID
    net = received - refunded
    if refunded > 0:
        if net <= 0:
            return PaymentStatus.REFUNDED
        if net < due:
            return PaymentStatus.PARTIALLY_REFUNDED
    if net < due:
        return PaymentStatus.PARTIALLY_PAID
    if net > due:
        return PaymentStatus.OVERPAID
    return PaymentStatus.PAID


def order_payment_status(order) -> PaymentStatus:
    """The payment status of ``order`` from its payments (one query)."""
    return payment_status_for(order.payments.all(), total=order.total)
