"""The payment methods a checkout offers: a stand-in until the payments app exists.

The payments helper replaces this module's body with a call to
``payments.selectors.methods_for_checkout(totals, delivery_option)`` (the store's enabled
methods, cash on delivery only for delivery options that allow it and within its maximum order
value). Until then, and while ``payments.selectors`` has no such function, the one method is
cash on delivery, offered when the chosen delivery option allows it (or before one is chosen;
completing the checkout asks again). Checkout calls only :func:`methods_for` and
:func:`method_named`.
"""

from __future__ import annotations

from dataclasses import dataclass

CASH_ON_DELIVERY = "cash_on_delivery"


@dataclass(frozen=True)
class PaymentMethod:
    code: str
    name: str
    description: str = ""


COD_METHOD = PaymentMethod(
    code=CASH_ON_DELIVERY,
    name="Cash on delivery",
    description="Pay when your order is delivered.",
)


def methods_for(totals) -> list[PaymentMethod]:
    """The methods offered for a checkout's ``totals`` (checkout.calculations.CheckoutTotals)."""
    try:
        from payments import selectors as payment_selectors
    except ImportError:
        payment_selectors = None
    offered = getattr(payment_selectors, "methods_for_checkout", None)
    if offered is not None:
        return [
            PaymentMethod(
                code=method.code,
                name=method.name,
                description=getattr(method, "description", ""),
            )
            for method in offered(totals, totals.delivery_option)
        ]
    option = totals.delivery_option
    if option is None or option.allows_cash_on_delivery:
        return [COD_METHOD]
    return []


def method_named(code: str, totals) -> PaymentMethod | None:
    """The method ``code`` if offered for ``totals``, else None."""
    return next((method for method in methods_for(totals) if method.code == code), None)
