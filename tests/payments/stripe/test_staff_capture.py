"""A store capturing manually: staff capture an authorised Stripe payment from the order's
screen in the store admin or by the API (all of it or less), against the local Stripe double."""

from decimal import Decimal

import pytest
from django.db import connection

from orders.models import Order, PaymentStatus
from payments import credentials, services
from payments.gateway import PaymentState
from payments.models import PaymentEvent
from tests.catalog.store_admin_clients import admin_client
from tests.ordersstaff.test_api import client_of
from tests.payments.stripe.test_stripe import returned, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def authorised(stripe_store, stripe_double, store_client, store_a):
    """A 25.00 order whose card payment Stripe authorised (manual capture), not captured."""
    credentials.save("stripe", {"capture_method": "manual"})
    payment, _ = start()
    intent = stripe_double.intents[payment.provider_reference]
    stripe_double.pay(intent["id"])
    assert returned(store_client(store_a), payment, intent).status_code == 302
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.AUTHORISED, 0)
    return payment


def capture_url(payment) -> str:
    return f"/api/v1/orders/{payment.order_id}/payments/{payment.pk}/capture/"


def test_an_order_manager_captures_less_than_authorised_by_the_api(
    authorised, stripe_double, store_a
):
    manager = client_of(store_a, "order_manager")

    too_much = manager.post(capture_url(authorised), {"amount": "25.01"}, format="json")
    assert too_much.status_code == 400
    assert too_much.json()["error"]["fields"] == {"amount": ["At most $25.00."]}
    assert stripe_double.intents[authorised.provider_reference]["amount_received"] == 0

    answer = manager.post(capture_url(authorised), {"amount": "20.00"}, format="json")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["state"], answer.json()["captured_amount"]) == ("succeeded", "20.00")
    assert stripe_double.intents[authorised.provider_reference]["amount_received"] == 2000
    assert Order.objects.get(pk=authorised.order_id).payment_status == PaymentStatus.PARTIALLY_PAID

    again = manager.post(capture_url(authorised), {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_supported"
    assert authorised.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1


def test_support_may_not_capture(authorised, store_a):
    support = client_of(store_a, "support")
    assert support.post(capture_url(authorised), {}, format="json").status_code == 403
    authorised.refresh_from_db()
    assert authorised.state == PaymentState.AUTHORISED


def test_the_order_screen_offers_capture_for_an_authorised_payment_and_captures_it_all(
    authorised, stripe_double, store_a
):
    client = admin_client(store_a, "owner")
    detail = f"/admin/orders/{authorised.order_id}/"
    page = client.get(detail).content.decode()
    assert 'data-form="capture"' in page
    assert 'data-form="mark-paid"' not in page, "a card payment is not marked paid by hand"
    assert 'data-form="refund"' not in page, "nothing captured yet, nothing to refund"

    done = client.post(f"{detail}payments/{authorised.pk}/capture/", {"amount": "", "note": ""})
    assert done.status_code == 302
    connection.set_tenant(store_a)
    authorised.refresh_from_db()
    assert (authorised.state, authorised.captured_amount) == (
        PaymentState.SUCCEEDED,
        Decimal("25.00"),
    )
    page = client.get(detail).content.decode()
    assert 'data-form="capture"' not in page
    assert ">Refund</button>" in page, "a card payment's refund goes back through Stripe"


def test_capture_of_a_payment_that_is_not_authorised_is_refused(stripe_store, store_a):
    payment, _ = start()  # waiting for the shopper
    with pytest.raises(services.NotSupported):
        services.capture(payment=payment)
