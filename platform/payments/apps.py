from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from payments import gateway
        from payments.providers.bitpay import BitPay
        from payments.providers.cash_on_delivery import CashOnDelivery
        from payments.providers.coinbase import Coinbase
        from payments.providers.invoice import InvoiceProvider
        from payments.providers.paypal import PayPal
        from payments.providers.stripe import StripeProvider

        # Offered at checkout in this order (each only once the store enables and configures it).
        gateway.register(CashOnDelivery())
        gateway.register(StripeProvider())
        gateway.register(PayPal())
        gateway.register(Coinbase())
        gateway.register(BitPay())
        gateway.register(InvoiceProvider())
