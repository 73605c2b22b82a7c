"""A company's open balance against its credit limit.

The open balance is what the company owes the store for orders it bought on account: for
each of its orders paid by "invoice" that is not cancelled (orders still awaiting approval
included: they are commitments already), its total less what was received and less what was
credited. A refund of such an order is a credit note (``b2b.invoicing.credited``: what is
refunded beyond an overpayment), so it lowers what is owed and, on a paid order, leaves a
credit that counts against the company's other orders; the balance as a whole never goes
below zero. The same figures as the company's statement (``b2b.invoicing.statement``).
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
    """What ``company`` owes for its orders paid by invoice, net of its credits (never below
    zero); one query."""
    zero = Value(Decimal(0))
    # b2b.invoicing.owed in SQL: total - paid + refunded - 2 * credited, where credited is
    # what was refunded beyond an overpayment.
    credited = Greatest(F("amount_refunded") - Greatest(F("amount_paid") - F("total"), zero), zero)
    owed = ExpressionWrapper(
        F("total") - F("amount_paid") + F("amount_refunded") - 2 * credited,
        output_field=_AMOUNT,
    )
    result = (
        Order.objects.filter(company=company, payment_method=INVOICE)
        .exclude(status=OrderStatus.CANCELLED)
        .aggregate(balance=Coalesce(Sum(owed), zero, output_field=_AMOUNT))
    )
    return max(Decimal(result["balance"]), Decimal(0)).quantize(Decimal("0.01"))


def available_credit(company) -> Decimal | None:
    """What is left of the company's credit limit (None without a limit)."""
    if company.credit_limit is None:
        return None
    return company.credit_limit - open_balance(company)
