"""A stand-in for the "invoice / purchase order" payment method until b2b-purchasing's
provider is merged (it owns the real one, code "invoice"): a plug-in of the public provider
interface (payments.gateway) that behaves as the contract says (B2B-CONTRACT.md): nothing
moves through a provider, the payment stays pending until staff record what was received
(``staff_marks_paid``, as cash on delivery). Registered only when no "invoice" provider is.
Every path of ours (payments.services.mark_paid, the order's payment status, the invoice)
runs for real against it.
"""

import money
from payments.gateway import PaymentProvider, PaymentResult, PaymentState, RefundResult

CODE = "invoice"


class InvoiceStandIn(PaymentProvider):
    code = CODE
    name = "Invoice / purchase order"
    moves_money = False
    staff_marks_paid = True

    def create_payment(self, payment) -> PaymentResult:
        return PaymentResult(state=PaymentState.PENDING)

    def confirm(self, payment, *, amount=None, data=None) -> PaymentResult:
        received = payment.captured_amount + amount.amount
        return PaymentResult(
            state=PaymentState.SUCCEEDED, captured=money.Money(received, payment.currency)
        )

    def refund(self, payment, amount) -> RefundResult:
        return RefundResult(amount=amount, moved_money=False)
