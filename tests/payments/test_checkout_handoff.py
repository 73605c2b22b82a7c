"""The storefront's checkout with an online provider (the example provider, a hosted page):
placing the order hands the shopper to the provider's page; cancelling there brings them back
to the pay page with the order kept (placed, unpaid, its stock still reserved), and they pay
with another method; coming back paid shows the confirmation."""

from decimal import Decimal

import pytest

from catalog.models import ProductVariant
from orders.models import Order, PaymentStatus
from payments.gateway import PaymentState
from payments.models import Payment
from tests.checkout.factories import option, tax_rate, variant, zone
from tests.checkout.test_pages import address_form, browser, with_cart
from tests.payments.example_provider import CODE, HOSTED, shopper_pays

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(example):
    tax_rate("US", "", "0", "No sales tax")
    standard = option(zone(), "Standard", price=Decimal("5.00"), allows_cash_on_delivery=True)
    return {"standard": standard, "mug": variant("20.00", stock=5)}


def _place(client, shop) -> Order:
    cart = with_cart(client, shop["mug"], 2)
    assert client.post("/checkout/", address_form()).status_code == 302
    assert (
        client.post("/checkout/delivery/", {"delivery_option": shop["standard"].pk}).status_code
        == 302
    )
    page = client.get("/checkout/payment/").content.decode()
    assert "ExamplePay" in page
    assert client.post("/checkout/payment/", {"payment_method": CODE}).status_code == 302
    placed = client.post("/checkout/review/", {"expected_total": "45.00",
                                               "cart_version": cart.version})  # fmt: skip
    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    assert placed.status_code == 302
    assert placed["Location"].startswith(f"{HOSTED}{payment.provider_reference}")
    return order


def test_cancel_at_the_provider_keeps_the_order_and_the_shopper_pays_another_way(store_a, shop):
    client = browser(store_a)
    order = _place(client, shop)
    payment = order.payments.get()

    back = client.get(f"/checkout/pay/{payment.token}/cancel/")
    assert back.status_code == 200
    text = back.content.decode()
    assert "You cancelled the payment: nothing was charged." in text
    assert 'value="cod"' in text and f'value="{CODE}"' in text
    # The order is placed: no way back to its cart, which is gone.
    assert "Back to your cart" not in text
    order.refresh_from_db()
    assert (order.payment_status, order.status) == (PaymentStatus.UNPAID, "pending")
    mug = ProductVariant.objects.get(pk=shop["mug"].pk)
    assert mug.stock_reserved == 2  # still held for this order

    chosen = client.post(f"/checkout/pay/{payment.token}/retry/", {"payment_method": "cod"})
    assert chosen.status_code == 302
    assert chosen["Location"] == f"/checkout/complete/{order.number}/"
    assert client.get(chosen["Location"]).status_code == 200
    assert list(order.payments.values_list("method", "state")) == [
        (CODE, PaymentState.CANCELLED),
        ("cod", PaymentState.PENDING),
    ]


def test_coming_back_paid_shows_the_confirmation(store_a, shop):
    client = browser(store_a)
    order = _place(client, shop)
    payment = order.payments.get()
    shopper_pays(payment.provider_reference)

    back = client.get(f"/checkout/pay/{payment.token}/return/")
    assert (back.status_code, back["Location"]) == (302, f"/checkout/complete/{order.number}/")
    assert f"#{order.number}" in client.get(back["Location"]).content.decode()
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
