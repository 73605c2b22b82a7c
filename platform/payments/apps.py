from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from payments import gateway
        from payments.providers.cash_on_delivery import CashOnDelivery
        from payments.providers.paypal import PayPal

        gateway.register(CashOnDelivery())
        gateway.register(PayPal())
