from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from payments import gateway
        from payments.providers.bitpay import BitPay
        from payments.providers.cash_on_delivery import CashOnDelivery
        from payments.providers.coinbase import Coinbase

        gateway.register(CashOnDelivery())
        gateway.register(Coinbase())
        gateway.register(BitPay())
