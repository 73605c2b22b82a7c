"""The payment methods a checkout offers: the payments app's answer for its totals.

``payments.selectors.methods_for_checkout`` gives the store's enabled methods that offer
themselves for the total (before any method's fee) and the chosen delivery option: cash on
delivery only when the store enabled it, the delivery option allows it and the total is within
its maximum. Checkout calls only :func:`methods_for` and :func:`method_named`.
"""

from __future__ import annotations

from dataclasses import dataclass

from money import Money
from payments import selectors as payment_selectors

CASH_ON_DELIVERY = "cod"


@dataclass(frozen=True)
class PaymentMethod:
    code: str
    name: str
    description: str = ""
    fee: Money | None = None


def methods_for(totals) -> list[PaymentMethod]:
    """The methods offered for a checkout's ``totals`` (checkout.calculations.CheckoutTotals),
    to the buyer they were computed for (the invoice method only to companies on account)."""
    before_fee = totals.total - totals.cod_fee
    return [
        PaymentMethod(
            code=method.code, name=method.name, description=method.instructions, fee=method.fee
        )
        for method in payment_selectors.methods_for_checkout(
            total=before_fee,
            delivery_option=totals.delivery_option,
            settings=getattr(totals, "payment_settings", None),
            buyer=getattr(totals, "buyer", None),
        )
    ]


def method_named(code: str, totals) -> PaymentMethod | None:
    """The method ``code`` if offered for ``totals``, else None."""
    return next((method for method in methods_for(totals) if method.code == code), None)
