"""Reads of payments: the store's method settings, what checkout offers, an order's payments."""

from django.db.models import QuerySet

from payments import gateway
from payments.gateway import OfferedMethod
from payments.models import Payment, PaymentEvent, PaymentMethodSettings


def method_settings() -> PaymentMethodSettings:
    """The store's payment-method settings (the defaults, unsaved, if the row is missing:
    nothing enabled, no COD fee, no maximum)."""
    found = PaymentMethodSettings.objects.filter(pk=1).first()
    return found if found is not None else PaymentMethodSettings(pk=1)


def methods_for_checkout(*, total, delivery_option, settings=None) -> list[OfferedMethod]:
    """The methods a shopper may pay ``total`` (Money, before any method's fee) with, for the
    chosen ``delivery_option`` (anything with ``allows_cash_on_delivery``: a DeliveryOption,
    shipping's OfferedOption or Rate; None when none is chosen): the store's enabled methods
    that offer themselves, each with its fee. One query (none when ``settings`` is given)."""
    settings = settings if settings is not None else method_settings()
    offered = []
    for provider in gateway.enabled_for_store(settings):
        method = provider.offer(total=total, delivery_option=delivery_option, settings=settings)
        if method is not None:
            offered.append(method)
    return offered


def offered_method(code: str, *, total, delivery_option, settings=None) -> OfferedMethod | None:
    """The method ``code`` as offered for this total and delivery option, or None."""
    for method in methods_for_checkout(
        total=total, delivery_option=delivery_option, settings=settings
    ):
        if method.code == code:
            return method
    return None


def payments_are_set_up() -> bool:
    """Whether the store offers a payment method (the dashboard's "Set up payments")."""
    return bool(gateway.enabled_for_store())


def payments_of(order) -> QuerySet[Payment]:
    """The payments of ``order``, oldest first, with their events (two queries)."""
    return Payment.objects.filter(order=order).prefetch_related("events__actor")


def payment_of_order(*, order_id: int, pk: int) -> Payment | None:
    """Payment ``pk`` if it belongs to order ``order_id`` (None otherwise)."""
    return Payment.objects.select_related("order").filter(order_id=order_id, pk=pk).first()


def events_of(payment) -> QuerySet[PaymentEvent]:
    return PaymentEvent.objects.filter(payment=payment).select_related("actor")
