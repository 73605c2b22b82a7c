"""Reads of payments: the store's method settings, what checkout offers, an order's payments."""

from django.db.models import F, Q, QuerySet

import money
from payments import gateway
from payments.gateway import OfferedMethod, PaymentState
from payments.models import Payment, PaymentEvent, PaymentMethodSettings, ProviderEvent, Refund


def method_settings() -> PaymentMethodSettings:
    """The store's payment-method settings (the defaults, unsaved, if the row is missing:
    nothing enabled, no COD fee, no maximum)."""
    found = PaymentMethodSettings.objects.filter(pk=1).first()
    return found if found is not None else PaymentMethodSettings(pk=1)


def methods_for_checkout(
    *, total, delivery_option, settings=None, buyer=None
) -> list[OfferedMethod]:
    """The methods a shopper may pay ``total`` (Money, before any method's fee) with, for the
    chosen ``delivery_option`` (anything with ``allows_cash_on_delivery``: a DeliveryOption,
    shipping's OfferedOption or Rate; None when none is chosen): the store's enabled methods
    offered to ``buyer`` (pricing.Buyer; None: methods for anyone) that offer themselves, each
    with its fee. One query (none when ``settings`` is given)."""
    settings = settings if settings is not None else method_settings()
    offered = []
    for provider in gateway.enabled_for_store(settings):
        if not provider.offered_to(buyer):
            continue
        method = provider.offer(total=total, delivery_option=delivery_option, settings=settings)
        if method is not None:
            offered.append(method)
    return offered


def offered_method(
    code: str, *, total, delivery_option, settings=None, buyer=None
) -> OfferedMethod | None:
    """The method ``code`` as offered to ``buyer`` for this total and delivery option, or
    None."""
    for method in methods_for_checkout(
        total=total, delivery_option=delivery_option, settings=settings, buyer=buyer
    ):
        if method.code == code:
            return method
    return None


def payments_are_set_up() -> bool:
    """Whether the store offers a payment method (the dashboard's "Set up payments")."""
    return bool(gateway.enabled_for_store())


def payments_of(order) -> QuerySet[Payment]:
    """The payments of ``order``, oldest first, with their events (two queries)."""
    return Payment.objects.filter(order=order).prefetch_related("events__actor", "refunds__actor")


def payment_of_order(*, order_id: int, pk: int) -> Payment | None:
    """Payment ``pk`` if it belongs to order ``order_id`` (None otherwise)."""
    return Payment.objects.select_related("order").filter(order_id=order_id, pk=pk).first()


def events_of(payment) -> QuerySet[PaymentEvent]:
    return PaymentEvent.objects.filter(payment=payment).select_related("actor")


def payment_by_token(token) -> Payment | None:
    """The payment whose token is ``token`` (a UUID or its text; None for anything else), with
    its order."""
    import uuid

    try:
        value = token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))
    except (ValueError, TypeError, AttributeError):
        return None
    return Payment.objects.select_related("order").filter(token=value).first()


def latest_payment(order) -> Payment | None:
    """The order's most recent payment (None without one)."""
    return Payment.objects.filter(order=order).order_by("-created_at", "-pk").first()


def methods_for_retry(order) -> list[OfferedMethod]:
    """The methods a shopper may pay ``order`` with again after a failure or cancel: the
    store's enabled and configured methods offered for the order's total and delivery option,
    without a fee of their own (a fee would change the placed order's total)."""
    from shipping.models import DeliveryOption

    option = (
        DeliveryOption.objects.filter(pk=order.delivery_option_id).first()
        if order.delivery_option_id
        else None
    )
    total = money.Money(order.total, order.currency)
    return [
        method
        for method in methods_for_checkout(total=total, delivery_option=option)
        if not method.fee.amount
    ]


def refunds_of(payment) -> QuerySet[Refund]:
    return Refund.objects.filter(payment=payment).select_related("actor")


def mismatches() -> QuerySet[Payment]:
    """Payments staff should look at (the mismatch report): flagged by their provider
    (underpaid, overpaid, late, disputed), or succeeded with a captured amount other than the
    amount due, newest first."""
    return (
        Payment.objects.select_related("order")
        .filter(
            Q(flags__len__gt=0)
            | (Q(state=PaymentState.SUCCEEDED) & ~Q(captured_amount=F("amount")))
        )
        .exclude(method__in=[p.code for p in gateway.providers() if not p.moves_money])
        .order_by("-updated_at", "-pk")
    )


def unmatched_events() -> QuerySet[ProviderEvent]:
    """Provider webhooks that named no payment of this store (or wait for an earlier one)."""
    return ProviderEvent.objects.filter(
        status__in=(ProviderEvent.Status.UNMATCHED, ProviderEvent.Status.WAITING)
    ).order_by("-received_at")
