"""The storefront's checkout pages through the Django client: from the browser's cart to the
confirmation, without JavaScript; errors next to their fields with what was typed kept (400);
the confirmation only for the browser that placed the order; never cached; CSRF protected."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from cart import identify
from cart.models import Cart
from orders.models import Order
from tests.checkout.factories import US_ADDRESS, option, tax_rate, variant, zone
from tests.conftest import HostClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(in_store_a):
    tax_rate("US", "", "0", "No sales tax")
    tax_rate("US", "CA", "7.25", "California 7.25%")
    domestic = zone()
    standard = option(domestic, "Standard", price=Decimal("5.00"), allows_cash_on_delivery=True,
                      min_delivery_days=3, max_delivery_days=5)  # fmt: skip
    return {"standard": standard, "mug": variant("19.99", stock=5)}


def browser(store, **kwargs) -> Client:
    return HostClient(HTTP_HOST=store.primary_host, **kwargs)


def with_cart(client, variant, quantity=1):
    from checkout import services as _  # noqa: F401  (the app is loaded)

    answer = client.post(
        "/api/v1/cart/lines/", {"variant": variant.pk, "quantity": quantity},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    cart = Cart.objects.get(token=answer.json()["token"])
    # The storefront finds the cart by its signed cookie, as the cart pages set it.
    from django.http import HttpResponse

    response = HttpResponse()
    identify.remember_cart(response, cart)
    client.cookies[identify.COOKIE_NAME] = response.cookies[identify.COOKIE_NAME].value
    return cart


def address_form(**overrides):
    values = {"email": "ana@example.com", "billing_same_as_shipping": "on"}
    for key, value in {**US_ADDRESS, **overrides}.items():
        values[f"shipping-{key}"] = value
    return values


def test_a_shopper_buys_with_cash_on_delivery_without_javascript(store_a, shop):
    client = browser(store_a)
    cart = with_cart(client, shop["mug"], 3)

    first = client.get("/checkout/")
    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"] or "max-age=0" in first["Cache-Control"]
    assert b'name="csrfmiddlewaretoken"' in first.content or b"csrfmiddlewaretoken" in first.content

    to_delivery = client.post("/checkout/", address_form())
    assert to_delivery.status_code == 302, to_delivery.content[:2000]
    assert to_delivery["Location"] == "/checkout/delivery/"

    delivery = client.get("/checkout/delivery/")
    assert b"Standard" in delivery.content and b"$5.00" in delivery.content
    assert b"3\xe2\x80\x935 days" in delivery.content
    assert client.post("/checkout/delivery/", {"delivery_option": shop["standard"].pk}
                       ).status_code == 302  # fmt: skip

    payment = client.get("/checkout/payment/")
    assert b"Cash on delivery" in payment.content
    assert client.post("/checkout/payment/", {"payment_method": "cod",
                                              "note": "Ring twice"}).status_code == 302  # fmt: skip

    review = client.get("/checkout/review/")
    assert review.status_code == 200
    text = review.content.decode()
    assert "$59.97" in text and "California 7.25%" in text and "$4.71" in text
    assert "$69.68" in text
    totals = re.search(r'<dl class="checkout-totals">(.*?)</dl>', text, re.S).group(1)
    # One rate charges the whole tax: its line is the tax (no "Tax" line repeating it).
    assert re.findall(r"<dt>(.*?)</dt>", totals) == [
        "Subtotal",
        "Shipping (Standard)",
        "California 7.25%",
        "<strong>Total</strong>",
    ]
    placed = client.post("/checkout/review/", {"expected_total": "69.68",
                                               "cart_version": cart.version})  # fmt: skip
    order = Order.objects.get()
    assert placed.status_code == 302
    assert placed["Location"] == f"/checkout/complete/{order.number}/"
    confirmation = client.get(placed["Location"])
    assert confirmation.status_code == 200
    assert f"#{order.number}".encode() in confirmation.content
    assert b"$69.68 in cash" in confirmation.content
    # The cart was ordered: no way back to it, and a guest has no account page for the order.
    assert b"Back to your cart" not in confirmation.content
    assert b"/account/orders/" not in confirmation.content
    assert order.note == "Ring twice"
    # Another browser does not see it.
    assert browser(store_a).get(placed["Location"]).status_code == 404
    # The cart was ordered: the next visit has nothing to check out.
    assert b"Your cart is empty" in client.get("/checkout/").content


def test_errors_stand_next_to_their_fields_and_what_was_typed_is_kept(store_a, shop):
    client = browser(store_a)
    with_cart(client, shop["mug"])

    refused = client.post("/checkout/", address_form(region="", postal_code="12"))

    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Choose a state" in text
    assert "ZIP code" in text
    assert 'value="1 Market St"' in text  # kept
    assert 'value="ana@example.com"' in text


def test_a_delivery_option_not_offered_is_refused(store_a, shop):
    abroad = option(zone("UK", ("GB",)), "Royal Mail", price=Decimal("6.00"))
    client = browser(store_a)
    with_cart(client, shop["mug"])
    client.post("/checkout/", address_form())

    refused = client.post("/checkout/delivery/", {"delivery_option": abroad.pk})

    assert refused.status_code == 400
    assert b"Choose one of the options offered" in refused.content


def test_pages_are_csrf_protected(store_a, shop):
    client = browser(store_a, enforce_csrf_checks=True)
    with_cart(client, shop["mug"])

    assert client.post("/checkout/", address_form()).status_code == 403


def test_an_empty_cart_has_nothing_to_check_out(store_a, shop):
    answer = browser(store_a).get("/checkout/")
    assert answer.status_code == 200
    assert b"Your cart is empty" in answer.content
    assert b'href="/cart/"' in answer.content


def test_a_signed_in_shoppers_confirmation_leads_to_the_order_in_the_account(store_a, shop):
    from accounts.models import User
    from cart import services as cart_services
    from pricing import Buyer

    ana = User.objects.create_user(username="ana@example.com", email="ana@example.com")
    client = browser(store_a)
    client.force_login(ana)
    cart = cart_services.open_cart_for_user(user=ana)
    cart_services.add_line(cart=cart, variant_id=shop["mug"].pk, quantity=1, buyer=Buyer(user=ana))
    cart.refresh_from_db()
    client.post("/checkout/", address_form())
    client.post("/checkout/delivery/", {"delivery_option": shop["standard"].pk})
    client.post("/checkout/payment/", {"payment_method": "cod"})
    placed = client.post("/checkout/review/", {"expected_total": "26.80",
                                               "cart_version": cart.version})  # fmt: skip
    order = Order.objects.get()
    assert order.user == ana

    confirmation = client.get(placed["Location"]).content.decode()

    link = f'<a href="/account/orders/{order.number}/">Follow this order in your account</a>'
    assert link in confirmation
    assert "Back to your cart" not in confirmation
    assert client.get(f"/account/orders/{order.number}/").status_code == 200


def test_the_steps_and_totals_are_styled_by_the_pages_stylesheets(store_a, shop):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    client = browser(store_a)
    with_cart(client, shop["mug"])
    client.post("/checkout/", address_form())
    client.post("/checkout/delivery/", {"delivery_option": shop["standard"].pk})
    client.post("/checkout/payment/", {"payment_method": "cod"})
    review = client.get("/checkout/review/").content.decode()

    sheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', review)
    css = "".join(Path(finders.find(sheet)).read_text(encoding="utf-8") for sheet in sheets)
    # Without rules the steps were a numbered list and the totals' amounts sat under their labels.
    for name in ("checkout-steps", "checkout-totals"):
        assert f'class="{name}"' in review
        assert f".{name} " in css, name
