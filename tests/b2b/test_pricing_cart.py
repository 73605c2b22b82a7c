"""A company buyer's cart: lines priced by its price lists and re-priced for their quantity
(volume breaks), its quantity rules refused field by field (400), the cart read in a constant
number of queries, and orders placed at the prices the cart showed."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import services as accounts_services
from b2b.pricing import services
from cart.models import Cart, CartLine
from pricing import price_for
from tests.b2b.pricing_scene import make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scene(store_a):
    connection.set_tenant(store_a)
    scene = make_scene("cart-")
    listed = services.create_price_list(name="Acme", company_ids=[scene.acme.pk])
    services.add_entry(
        price_list=listed,
        target="variant",
        target_id=scene.saw.pk,
        kind="fixed",
        value="45.00",
        min_quantity=4,
        order_multiple=2,
    )
    services.add_entry(
        price_list=listed, target="variant", target_id=scene.drill.pk, kind="fixed", value="80.00"
    )
    services.add_volume_break(variant=scene.drill, min_quantity=10, unit_price="75.00")
    scene.price_list = listed
    return scene


def client_of(store, user) -> APIClient:
    client = APIClient(HTTP_HOST=store.primary_host)
    token = accounts_services.issue_auth_token(user=user).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def add(client, variant, quantity):
    return client.post(
        "/api/v1/cart/lines/", {"variant": variant.pk, "quantity": quantity}, format="json"
    )


def test_lines_are_priced_again_for_their_quantity(store_a, scene):
    client = client_of(store_a, scene.acme_buyer)
    first = add(client, scene.drill, 2)
    assert first.status_code == 201
    line = first.json()["lines"][0]
    assert (line["unit_price"], line["line_total"]) == ("80.00", "160.00")
    more = client.patch(f"/api/v1/cart/lines/{scene.drill.pk}/", {"quantity": 10}, format="json")
    assert more.status_code == 200
    line = more.json()["lines"][0]
    assert (line["unit_price"], line["line_total"]) == ("75.00", "750.00")
    assert more.json()["subtotal"] == "750.00"
    # Another company pays the B2B price, with the volume break of every business from 10.
    other = client_of(store_a, scene.globex_buyer)
    assert add(other, scene.drill, 9).json()["lines"][0]["unit_price"] == "90.00"
    assert add(other, scene.drill, 1).json()["lines"][0]["unit_price"] == "75.00"  # now 10


def test_a_price_lists_minimum_and_multiple_are_refused_on_the_quantity_field(store_a, scene):
    client = client_of(store_a, scene.acme_buyer)
    cases = [
        (2, ["At least 4 must be bought."]),
        (5, ["Sold in steps of 2 from 4 (4, 6, 8…)."]),
    ]
    for quantity, messages in cases:
        answer = add(client, scene.saw, quantity)
        assert answer.status_code == 400, quantity
        assert answer.json()["error"]["fields"] == {"quantity": messages}
    assert CartLine.objects.count() == 0
    accepted = add(client, scene.saw, 6)
    assert accepted.status_code == 201
    line = accepted.json()["lines"][0]
    assert (line["unit_price"], line["quantity_min"], line["quantity_step"]) == ("45.00", 4, 2)
    # The same quantity of 2 is fine for a buyer the list does not apply to.
    assert add(client_of(store_a, scene.globex_buyer), scene.saw, 2).status_code == 201


def test_the_cart_is_read_in_a_constant_number_of_queries(store_a, scene):
    client = client_of(store_a, scene.acme_buyer)
    add(client, scene.drill, 10)
    client.get("/api/v1/cart/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/cart/")
    for variant in (scene.drill_big, scene.hammer):
        add(client, variant, 3)
    add(client, scene.saw, 4)
    with CaptureQueriesContext(connection) as four:
        body = client.get("/api/v1/cart/").json()
    assert len(four.captured_queries) == len(one.captured_queries)
    # The price-list entries give both the prices and the quantity rules: read once.
    entries = [q for q in four.captured_queries if "b2b_pricelistentry" in q["sql"]]
    assert len(entries) == 1
    assert {line["sku"]: line["unit_price"] for line in body["lines"]} == {
        "cart-DRILL": "75.00",
        "cart-DRILL-BIG": "150.00",
        "cart-HAMMER": "20.00",
        "cart-SAW": "45.00",
    }


def test_an_order_is_placed_at_the_volume_price_the_cart_showed(store_a, scene):
    from orders.errors import CartChanged
    from pricing import Buyer, Channel
    from tests.orders.factories import place

    buyer = Buyer(channel=Channel.B2B, user=scene.acme_buyer, company=scene.acme)
    unit = price_for(scene.drill, buyer, quantity=10).amount
    assert unit == Decimal("75.00")
    order = place(
        [(scene.drill, 10)], buyer=buyer, user=scene.acme_buyer, unit_prices={scene.drill.pk: unit}
    )
    assert order.lines.get().unit_price == Decimal("75.00")
    # Priced as for one unit, the draft is stale: refused with the price it costs now.
    with pytest.raises(CartChanged):
        place(
            [(scene.drill, 10)],
            buyer=buyer,
            user=scene.acme_buyer,
            unit_prices={scene.drill.pk: Decimal("80.00")},
        )
    assert not Cart.objects.filter(user=scene.acme_buyer).exists()
