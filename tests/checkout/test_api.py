"""The checkout API, /api/v1/checkout/: from a cart to an order, as anonymous clients,
customers, B2B buyers and company keys use it; field errors in the one error shape; store
isolation; constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import Address
from cart.models import Cart
from orders.models import Order
from tests.checkout.factories import NY_ADDRESS, US_ADDRESS, option, tax_rate, variant, zone
from tests.matrix import create_user, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(store_a, in_store_a):
    return APIClient(HTTP_HOST=store_a.primary_host)


@pytest.fixture
def delivery(in_store_a):
    tax_rate("US", "", "0", "No sales tax")
    tax_rate("US", "CA", "7.25", "California 7.25%")
    domestic = zone()
    return {
        "standard": option(
            domestic,
            "Standard",
            price=Decimal("5.00"),
            allows_cash_on_delivery=True,
            min_delivery_days=3,
            max_delivery_days=5,
        ),
        "express": option(domestic, "Express", price=Decimal("15.00")),
    }


def signed_in(store, user) -> APIClient:
    client = APIClient(HTTP_HOST=store.primary_host)
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {account_services.issue_auth_token(user=user).key}"
    )
    return client


def cart_token(client, *lines):
    token = None
    for made, quantity in lines:
        headers = {"HTTP_X_CART_TOKEN": token} if token else {}
        answer = client.post(
            "/api/v1/cart/lines/", {"variant": made.pk, "quantity": quantity}, format="json",
            **headers,
        )  # fmt: skip
        assert answer.status_code in (200, 201), answer.content
        token = answer.json()["token"] or token
    return token


def start(client, token=None):
    headers = {"HTTP_X_CART_TOKEN": token} if token else {}
    return client.post("/api/v1/checkout/", {}, format="json", **headers)


def test_anonymous_shopper_checks_out_with_cash_on_delivery(client, delivery):
    mug = variant("19.99", stock=5)
    token = cart_token(client, (mug, 3))

    started = start(client, token)
    assert started.status_code == 201, started.content
    body = started.json()
    url = f"/api/v1/checkout/{body['token']}/"
    assert body["status"] == "open"
    assert set(body["missing"]) == {"email", "shipping_address", "delivery_option",
                                    "payment_method"}  # fmt: skip
    assert body["totals"]["subtotal"] == "59.97"

    updated = client.patch(url, {"email": "ana@example.com", "shipping_address": US_ADDRESS},
                           format="json")  # fmt: skip
    assert updated.status_code == 200, updated.content
    assert updated.json()["shipping_address"]["region"] == "CA"

    options = client.get(f"{url}delivery-options/")
    assert options.status_code == 200
    assert [(o["name"], o["price"]) for o in options.json()] == [("Standard", "5.00"),
                                                                 ("Express", "15.00")]  # fmt: skip
    assert options.json()[0]["min_delivery_days"] == 3

    chosen = client.patch(
        url, {"delivery_option": delivery["standard"].pk, "payment_method": "cod"},
        format="json",
    )  # fmt: skip
    assert chosen.status_code == 200, chosen.content
    body = chosen.json()
    assert body["missing"] == {}
    assert body["totals"]["tax"] == "4.71"
    assert body["totals"]["total"] == "69.68"
    assert body["lines"][0]["tax"] == "4.35"
    assert body["totals"]["tax_rates"][0]["name"] == "California 7.25%"

    placed = client.post(f"{url}complete/", {"expected_total": "69.68"}, format="json")
    assert placed.status_code == 201, placed.content
    order = Order.objects.get(checkout_token=body["token"])
    assert placed.json()["number"] == order.number
    assert placed.json()["total"] == "69.68"
    assert order.email == "ana@example.com"
    assert order.payment_method == "cod"
    assert order.lines.get().quantity == 3
    assert Cart.objects.get(token=token).status == Cart.Status.ORDERED
    mug.refresh_from_db()
    assert mug.stock_reserved + (5 - mug.stock_on_hand) == 3  # held or taken for the order

    again = client.post(f"{url}complete/", {}, format="json")
    assert again.status_code == 200
    assert again.json()["number"] == order.number
    assert Order.objects.count() == 1
    read = client.get(url)
    assert read.json()["status"] == "completed"
    assert read.json()["order"]["number"] == order.number
    assert client.patch(url, {"note": "late"}, format="json").status_code == 409


def test_completing_with_an_idempotency_key_replays(client, delivery):
    token = cart_token(client, (variant("10.00"), 1))
    url = f"/api/v1/checkout/{start(client, token).json()['token']}/"
    client.patch(url, {"email": "a@example.com", "shipping_address": NY_ADDRESS,
                       "delivery_option": delivery["standard"].pk,
                       "payment_method": "cod"}, format="json")  # fmt: skip

    first = client.post(f"{url}complete/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(f"{url}complete/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()
    assert Order.objects.count() == 1


def test_address_errors_per_field_and_nothing_changed(client, delivery):
    token = cart_token(client, (variant(), 1))
    url = f"/api/v1/checkout/{start(client, token).json()['token']}/"

    refused = client.patch(
        url,
        {"email": "not-an-email", "shipping_address": {**US_ADDRESS, "postal_code": "123"}},
        format="json",
    )

    assert refused.status_code == 400
    fields = refused.json()["error"]["fields"]
    assert "email" in fields
    refused = client.patch(
        url, {"email": "a@example.com",
              "shipping_address": {**US_ADDRESS, "region": "", "postal_code": "123"}},
        format="json",
    )  # fmt: skip
    fields = refused.json()["error"]["fields"]
    assert set(fields) == {"shipping_address.region", "shipping_address.postal_code"}
    assert "ZIP code" in fields["shipping_address.postal_code"][0]
    assert client.get(url).json()["email"] == ""  # all or nothing


def test_delivery_option_not_offered_for_the_address_is_400(client, delivery):
    abroad = option(zone("UK", ("GB",)), "Royal Mail", price=Decimal("6.00"))
    token = cart_token(client, (variant(), 1))
    url = f"/api/v1/checkout/{start(client, token).json()['token']}/"
    client.patch(url, {"shipping_address": NY_ADDRESS}, format="json")

    refused = client.patch(url, {"delivery_option": abroad.pk}, format="json")

    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "delivery_option_unavailable"
    assert "delivery_option" in refused.json()["error"]["fields"]


def test_incomplete_checkout_says_what_is_missing(client, delivery):
    token = cart_token(client, (variant(), 1))
    url = f"/api/v1/checkout/{start(client, token).json()['token']}/"

    refused = client.post(f"{url}complete/", {}, format="json")

    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "checkout_incomplete"
    assert "shipping_address" in refused.json()["error"]["fields"]
    assert Order.objects.count() == 0


def test_stale_cart_is_409_with_what_changed(client, delivery):
    mug = variant("10.00", stock=5)
    token = cart_token(client, (mug, 3))
    url = f"/api/v1/checkout/{start(client, token).json()['token']}/"
    client.patch(url, {"email": "a@example.com", "shipping_address": NY_ADDRESS,
                       "delivery_option": delivery["standard"].pk,
                       "payment_method": "cod"}, format="json")  # fmt: skip
    shown = client.get(url).json()["totals"]["total"]
    type(mug).objects.filter(pk=mug.pk).update(price=Decimal("12.00"))

    changed = client.post(f"{url}complete/", {"expected_total": shown}, format="json")

    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "cart_changed"
    assert "The total changed" in str(changed.json()["error"]["fields"])
    type(mug).objects.filter(pk=mug.pk).update(stock_on_hand=2)
    short = client.post(f"{url}complete/", {"expected_total": shown}, format="json")
    # Stock gone is told as such (the variant and what is left), even beside a changed total.
    assert short.status_code == 409
    assert short.json()["error"]["code"] == "out_of_stock"
    assert short.json()["error"]["fields"] == {
        f"lines.{mug.pk}": [f"Only 2 of {mug.product.name} left."]
    }
    assert Order.objects.count() == 0
    assert Cart.objects.get(token=token).status == Cart.Status.OPEN


def test_plan_limit_reached_places_nothing(client, delivery, in_store_a):
    from tenants.models import Plan, Tenant

    tiny = Plan.objects.create(code="tiny", name="Tiny", monthly_price=0, max_monthly_orders=1)
    Tenant.objects.filter(pk=in_store_a.pk).update(plan=tiny)

    def ready():
        fresh = APIClient(HTTP_HOST=in_store_a.primary_host)
        token = cart_token(fresh, (variant(), 1))
        url = f"/api/v1/checkout/{start(fresh, token).json()['token']}/"
        fresh.patch(
            url,
            {
                "email": "a@example.com",
                "shipping_address": NY_ADDRESS,
                "delivery_option": delivery["standard"].pk,
                "payment_method": "cod",
            },
            format="json",
        )
        return fresh.post(f"{url}complete/", {}, format="json")

    assert ready().status_code == 201
    refused = ready()

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "plan_limit_reached"
    assert Order.objects.count() == 1
    assert Cart.objects.filter(status=Cart.Status.ORDERED).count() == 1


def test_signed_in_shopper_resumes_on_another_device_with_the_address_book(store_a, delivery):
    customer = make_person("customer")
    book = Address.objects.create(user=customer, is_default_shipping=True, **{
        key: value for key, value in US_ADDRESS.items()})  # fmt: skip
    phone, laptop = signed_in(store_a, customer), signed_in(store_a, customer)
    cart_token(phone, (variant("10.00"), 2))

    started = start(phone)
    assert started.status_code == 201
    body = started.json()
    assert body["email"] == customer.email
    assert body["shipping_address"]["line1"] == US_ADDRESS["line1"]  # the default address

    resumed = start(laptop)
    assert resumed.status_code == 200
    assert resumed.json()["token"] == body["token"]
    picked = laptop.patch(f"/api/v1/checkout/{body['token']}/",
                          {"shipping_address_id": book.pk}, format="json")  # fmt: skip
    assert picked.status_code == 200
    stranger = signed_in(store_a, make_person("support"))
    assert stranger.get(f"/api/v1/checkout/{body['token']}/").status_code == 404
    other = Address.objects.create(user=create_user("someone@example.com"), **US_ADDRESS)
    refused = laptop.patch(f"/api/v1/checkout/{body['token']}/",
                           {"shipping_address_id": other.pk}, format="json")  # fmt: skip
    assert refused.status_code == 400
    assert "shipping_address_id" in refused.json()["error"]["fields"]


def test_empty_cart_cannot_start(client):
    refused = start(client)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "cart_empty"


def test_a_token_of_store_a_is_404_at_store_b(client, store_b, delivery):
    token = cart_token(client, (variant(), 1))
    checkout_token = start(client, token).json()["token"]
    at_b = APIClient(HTTP_HOST=store_b.primary_host)

    assert at_b.get(f"/api/v1/checkout/{checkout_token}/").status_code == 404
    assert at_b.patch(f"/api/v1/checkout/{checkout_token}/", {"note": "x"},
                      format="json").status_code == 404  # fmt: skip
    assert at_b.post(f"/api/v1/checkout/{checkout_token}/complete/", {},
                     format="json").status_code == 404  # fmt: skip
    assert client.get("/api/v1/checkout/not-a-token/").status_code == 404


def test_checkout_read_costs_the_same_queries_for_1_and_10_lines(client, delivery):
    def ready(count):
        token = cart_token(client, *[(variant(), 1) for _ in range(count)])
        url = f"/api/v1/checkout/{start(client, token).json()['token']}/"
        client.patch(url, {"email": "a@example.com", "shipping_address": NY_ADDRESS,
                           "delivery_option": delivery["standard"].pk}, format="json")  # fmt: skip
        return url

    one, ten = ready(1), ready(10)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(one) == queries(ten)
