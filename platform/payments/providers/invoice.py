"""Invoice / purchase order: a company on credit terms orders now and pays the invoice later.

Nothing moves through a provider. Creating the payment leaves it pending (the order unpaid:
payment is due by the invoice the b2b invoices issue, within the company's terms); staff record
what the company paid through the same "mark paid" path as cash on delivery, and a refund is
recorded, never moved.

Offered only to a buyer who may buy on account (``b2b.purchasing.eligibility``): a member, or
a company API key, of an APPROVED company whose payment terms are not prepaid and that has a
credit limit. The store enables it in Settings > Payments like any other method; nobody else
ever sees it, whatever the store enabled.
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

CODE = "invoice"


class InvoiceProvider(PaymentProvider):
    code = CODE
    name = "Invoice / purchase order"
    moves_money = False
    staff_marks_paid = True

    def offered_to(self, buyer) -> bool:
        from b2b.purchasing.eligibility import may_pay_by_invoice

        return may_pay_by_invoice(buyer)

    def offer(self, *, total, delivery_option, settings) -> OfferedMethod | None:
        return OfferedMethod(
            code=self.code,
            name=self.name,
            fee=money.Money(Decimal(0), total.currency),
            instructions="Payment is due by invoice, within your company's payment terms.",
            action_kind=self.action_kind,
        )

    def create_payment(self, payment) -> PaymentResult:
        return PaymentResult(state=PaymentState.PENDING)

    def confirm(self, payment, *, amount=None, data=None) -> PaymentResult:
        """Staff received ``amount`` (Money) from the company: added to what was received."""
        received = payment.captured_amount + amount.amount
        return PaymentResult(
            state=PaymentState.SUCCEEDED, captured=money.Money(received, payment.currency)
        )

    def refund(self, payment, amount) -> RefundResult:
        return RefundResult(amount=amount, moved_money=False)
