"""A price list's quantity rules (minimum order quantity, order multiple) are checked again
when the order is placed, not only when a line is added: a rule raised since then refuses the
placement with 400 ``quantity_rule`` naming the line and the rule, and nothing is placed or
reserved (the checkout API and the B2B order API)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts import services as account_services
from b2b.pricing import services as pricing_services
from cart.models import Cart
from catalog.models import ProductVariant
from orders.models import Order
from tests.b2b.purchasing_factories import US_ADDRESS, company, make_variant, member, set_up_store

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/b2b/orders/"


@pytest.fixture
def shop(store_a):
    connection.set_tenant(store_a)
    acme = company(credit_limit="10000.00")
    admin = member(acme, "admin")
    mug = make_variant(price="10.00", stock=100)
    listed = pricing_services.create_price_list(name="Acme terms", company_ids=[acme.pk])
    entry = pricing_services.add_entry(
        price_list=listed,
        target="variant",
        target_id=mug.pk,
        kind="fixed",
        value="8.00",
        min_quantity=4,
        order_multiple=2,
    )
    key = account_services.create_api_key(
        name="ERP", scopes=["orders:place", "orders:read"], created_by=admin, company=acme
    )
    return {
        "store": store_a,
        "option": set_up_store(),
        "company": acme,
        "buyer": member(acme, "buyer"),
        "mug": mug,
        "entry": entry,
        "key": key.secret,
    }


def person(shop, user) -> APIClient:
    client = APIClient(HTTP_HOST=shop["store"].primary_host)
    token = account_services.issue_auth_token(user=user).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def erp(shop) -> APIClient:
    client = APIClient(HTTP_HOST=shop["store"].primary_host)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {shop['key']}")
    return client


def ready_checkout(client, mug, quantity) -> str:
    """A checkout of ``quantity`` mugs, reviewed and ready to place; its URL."""
    added = client.post(
        "/api/v1/cart/lines/", {"variant": mug.pk, "quantity": quantity}, format="json"
    )
    assert added.status_code == 201, added.content
    token = client.post("/api/v1/checkout/", {}, format="json").json()["token"]
    url = f"/api/v1/checkout/{token}/"
    client.patch(url, {"email": "b@acme.test", "shipping_address": US_ADDRESS}, format="json")
    option = client.get(f"{url}delivery-options/").json()[0]["id"]
    ready = client.patch(
        url, {"delivery_option": option, "payment_method": "invoice"}, format="json"
    )
    assert ready.json()["missing"] == {}, ready.content
    return url


def reserved(mug) -> int:
    return ProductVariant.objects.get(pk=mug.pk).stock_reserved


def test_a_minimum_raised_after_the_line_was_added_refuses_the_checkout(shop):
    mug, client = shop["mug"], person(shop, shop["buyer"])
    url = ready_checkout(client, mug, 4)
    # The store raises the price list's minimum while the buyer reviews the checkout.
    pricing_services.update_entry(entry=shop["entry"], min_quantity=10)

    refused = client.post(f"{url}complete/", {}, format="json")

    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "quantity_rule"
    assert error["fields"] == {
        f"lines.{mug.pk}": [
            f"{mug.product.name} ({mug.sku}): 4 ordered. At least 10 must be bought."
        ]
    }
    assert not Order.objects.exists()
    assert reserved(mug) == 0
    assert Cart.objects.get(user=shop["buyer"]).status == Cart.Status.OPEN

    # At the new minimum, the same checkout places.
    client.patch(f"/api/v1/cart/lines/{mug.pk}/", {"quantity": 10}, format="json")
    placed = client.post(f"{url}complete/", {}, format="json")
    assert placed.status_code == 201, placed.content
    assert reserved(mug) == 10


def test_an_order_multiple_raised_after_the_line_was_added_refuses_the_checkout(shop):
    mug, client = shop["mug"], person(shop, shop["buyer"])
    url = ready_checkout(client, mug, 6)
    pricing_services.update_entry(entry=shop["entry"], order_multiple=4)

    refused = client.post(f"{url}complete/", {}, format="json")

    assert refused.status_code == 400, refused.content
    assert refused.json()["error"]["fields"] == {
        f"lines.{mug.pk}": [
            f"{mug.product.name} ({mug.sku}): 6 ordered. Sold in steps of 4 from 4 (4, 8, 12…)."
        ]
    }
    assert not Order.objects.exists()
    assert reserved(mug) == 0


def test_the_b2b_order_api_refuses_a_line_below_the_minimum_as_it_is_now(shop):
    mug = shop["mug"]
    body = {"lines": [{"sku": mug.sku, "quantity": 4}], "shipping_address": US_ADDRESS}
    first = erp(shop).post(ORDERS, {**body, "po_number": "PO-1"}, format="json")
    assert first.status_code == 201, first.content
    # The ERP orders as before; the store has raised the minimum since.
    pricing_services.update_entry(entry=shop["entry"], min_quantity=10)

    refused = erp(shop).post(ORDERS, {**body, "po_number": "PO-2"}, format="json")

    assert refused.status_code == 400, refused.content
    assert refused.json()["error"]["fields"] == {
        "lines.0.quantity": ["At least 10 must be bought."]
    }
    assert list(Order.objects.values_list("po_number", flat=True)) == ["PO-1"]
    assert reserved(mug) == 4  # the first order's, nothing more
    placed = erp(shop).post(
        ORDERS,
        {**body, "lines": [{"sku": mug.sku, "quantity": 10}], "po_number": "PO-2"},
        format="json",
    )
    assert placed.status_code == 201, placed.content
