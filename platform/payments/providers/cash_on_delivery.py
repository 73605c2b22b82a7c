"""Cash on delivery: the order is confirmed unpaid; the courier (or the shop, at pickup)
collects the money; staff mark the payment paid with the amount received.

Nothing moves through a provider: creating the payment only leaves it pending, "confirming" is
the staff's "paid on delivery" (the amount received, which may differ from what was due: the
order is then partially paid or overpaid), and a refund is recorded (the store gave the cash
back itself), never above what was received. Offered at checkout only when the store enabled
it, the chosen delivery option allows it (``allows_cash_on_delivery``) and the total is within
the store's maximum; its fee (possibly zero) is added to the order by checkout.
"""

from decimal import Decimal

import money
from payments.gateway import (
    OfferedMethod,
    PaymentProvider,
    PaymentResult,
    PaymentState,
    RefundResult,
)

CODE = "cod"


class CashOnDelivery(PaymentProvider):
    code = CODE
    name = "Cash on delivery"
    moves_money = False
    staff_marks_paid = True

    def offer(self, *, total, delivery_option, settings) -> OfferedMethod | None:
        if delivery_option is None or not getattr(
            delivery_option, "allows_cash_on_delivery", False
        ):
            return None
        maximum = settings.cod_max_order_value
        if maximum is not None and total.amount > maximum:
            return None
        return OfferedMethod(
            code=self.code,
            name=self.name,
            fee=money.Money(settings.cod_fee or Decimal(0), total.currency),
            instructions=settings.cod_instructions,
            action_kind=self.action_kind,
        )

    def create_payment(self, payment) -> PaymentResult:
        return PaymentResult(state=PaymentState.PENDING)

    def confirm(self, payment, *, amount=None, data=None) -> PaymentResult:
        """Staff received ``amount`` (Money) on delivery: added to what was received before."""
        received = payment.captured_amount + amount.amount
        return PaymentResult(
            state=PaymentState.SUCCEEDED,
            captured=money.Money(received, payment.currency),
        )

    def refund(self, payment, amount) -> RefundResult:
        return RefundResult(amount=amount, moved_money=False)
