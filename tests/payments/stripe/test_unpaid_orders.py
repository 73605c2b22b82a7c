"""Orders placed to be paid online and never paid do not hold stock for ever: reconciliation
cancels them after PAYMENTS_UNPAID_ORDER_HOURS, once the provider (the local Stripe double)
confirms nothing was paid; an order paid meanwhile is kept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import ProductVariant
from orders.models import Order, OrderStatus, PaymentStatus
from payments import services
from payments.gateway import PaymentState
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db


def abandoned_stripe_order(hours_ago: int):
    variant = make_variant(price="20.00", stock=5)
    order = place([(variant, 2)], shipping="5.00", payment_method="stripe")
    payment = services.create_payment_for_order(order=order).payment
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(hours=hours_ago))
    return variant, order, payment


def test_an_order_never_paid_is_cancelled_and_its_stock_released(stripe_store, stripe_double):
    variant, order, payment = abandoned_stripe_order(hours_ago=3)
    assert ProductVariant.objects.get(pk=variant.pk).stock_reserved == 2

    assert services.release_unpaid_orders() == 1

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert ProductVariant.objects.get(pk=variant.pk).stock_reserved == 0
    payment.refresh_from_db()
    assert payment.state == PaymentState.CANCELLED
    assert stripe_double.intents[payment.provider_reference]["status"] == "canceled", (
        "the card form left open can no longer charge the shopper"
    )
    assert "Not paid within 2 hours" in order.events.latest("created_at").note


def test_an_order_paid_at_stripe_whose_news_never_arrived_is_kept_and_paid(
    stripe_store, stripe_double
):
    variant, order, payment = abandoned_stripe_order(hours_ago=3)
    stripe_double.pay(payment.provider_reference)  # no return, no webhook reached us

    assert services.release_unpaid_orders() == 0

    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.PAID)
    assert ProductVariant.objects.get(pk=variant.pk).stock_reserved == 2


def test_a_recent_unpaid_order_is_left_to_its_shopper(stripe_store, stripe_double):
    variant, order, _ = abandoned_stripe_order(hours_ago=1)
    assert services.release_unpaid_orders() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert ProductVariant.objects.get(pk=variant.pk).stock_reserved == 2
