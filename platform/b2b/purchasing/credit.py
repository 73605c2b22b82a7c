"""A company's open balance against its credit limit.

The open balance is what the company owes the store for orders it bought on account: the
unpaid part (total less what was received) of its orders paid by "invoice" that are neither
cancelled nor refunded, orders still awaiting approval included (they are commitments
already). A refund is only ever of money received, so it does not make an order owed again.
Enforced at placement (``b2b.purchasing.placement``) under a lock on the company's row, so
that two orders placed at once cannot together pass the limit.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from orders.models import Order, OrderStatus
from payments.providers.invoice import CODE as INVOICE

_AMOUNT = DecimalField(max_digits=14, decimal_places=2)


def open_balance(company) -> Decimal:
    """What ``company`` owes for its orders paid by invoice (never below zero per order);
    one query."""
    unpaid = ExpressionWrapper(
        Greatest(F("total") - F("amount_paid"), Value(Decimal(0))),
        output_field=_AMOUNT,
    )
    result = (
        Order.objects.filter(company=company, payment_method=INVOICE)
        .exclude(status__in=(OrderStatus.CANCELLED, OrderStatus.REFUNDED))
        .aggregate(balance=Coalesce(Sum(unpaid), Value(Decimal(0)), output_field=_AMOUNT))
    )
    return Decimal(result["balance"]).quantize(Decimal("0.01"))


def available_credit(company) -> Decimal | None:
    """What is left of the company's credit limit (None without a limit)."""
    if company.credit_limit is None:
        return None
    return company.credit_limit - open_balance(company)
