"""The issue's reliability test through the real HTTP server (gunicorn + Celery over the test
database: tests/live_server.py), with checkout's API: 50 shoppers check out the last 10 units of
a variant at once → exactly 10 orders, nothing oversold, every other answer a clear
out-of-stock; 10 parallel submits of one checkout, with one Idempotency-Key and without → one
order."""

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

SHOPPERS = 50
UNITS = 10
ADDRESS = {
    "full_name": "Ana Lopez",
    "line1": "1 Market St",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94105",
    "country": "US",
    "phone": "+1 415 555 0100",
}


@pytest.fixture(scope="module")
def store(live_platform):
    return live_platform.store_b


@pytest.fixture(scope="module")
def delivery_option(store, live_platform):
    """A domestic zone with a flat-rate option that allows cash on delivery (committed)."""
    from payments import services as payment_services
    from shipping import services as shipping_services

    with live_platform.database(store):
        payment_services.set_method_settings(data={"enabled_methods": ["cod"]})
        zone = shipping_services.create_zone(name=f"Race {secrets.token_hex(3)}", countries=["US"])
        option = shipping_services.create_option(
            zone=zone,
            data={
                "name": "Standard",
                "kind": "flat_rate",
                "price": Decimal("5.00"),
                "allows_cash_on_delivery": True,
            },
            bands=None,
        )
        return option.pk


def _variant(store, live_platform, stock: int) -> int:
    from tests.cart.factories import make_variant

    with live_platform.database(store):
        return make_variant(price="9.00", stock=stock).pk


def _ready_checkout(store, variant: int, option: int):
    """An anonymous shopper's checkout of 1 unit, ready to complete: (client, checkout url)."""
    client = store.client()
    added = client.post("/api/v1/cart/lines/", json={"variant": variant, "quantity": 1})
    assert added.status_code == 201, added.text
    headers = {"X-Cart-Token": added.json()["token"]}
    started = client.post("/api/v1/checkout/", json={}, headers=headers)
    assert started.status_code == 201, started.text
    url = f"/api/v1/checkout/{started.json()['token']}/"
    filled = client.patch(
        url,
        json={
            "email": f"s-{secrets.token_hex(3)}@example.com",
            "shipping_address": ADDRESS,
            "delivery_option": option,
            "payment_method": "cod",
        },
    )
    assert filled.status_code == 200, filled.text
    assert filled.json()["missing"] == {}, filled.text
    return client, url


def _at_once(calls):
    """Run the calls at the same moment (a barrier), each on a thread; their answers."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_fifty_shoppers_for_the_last_ten_units_make_ten_orders(
    store, live_platform, delivery_option
):
    variant = _variant(store, live_platform, UNITS)
    with live_platform.database(store):
        from catalog.models import ProductVariant

        name = ProductVariant.objects.select_related("product").get(pk=variant).product.name
    with ThreadPoolExecutor(max_workers=10) as pool:
        ready = list(
            pool.map(lambda _: _ready_checkout(store, variant, delivery_option), range(SHOPPERS))
        )

    answers = _at_once(
        [lambda c=client, u=url: c.post(f"{u}complete/", json={}) for client, url in ready]
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * UNITS + [409] * (SHOPPERS - UNITS), statuses
    refused = [answer.json()["error"] for answer in answers if answer.status_code == 409]
    # Every loser is told out of stock, with the variant and what is left (none), whether it
    # read the stock before the winners committed (place_order, under the variant's lock) or
    # after (checkout's re-read of the cart).
    expected = {
        "code": "out_of_stock",
        "fields": {f"lines.{variant}": [f"{name} is out of stock."]},
    }
    assert [{"code": error["code"], "fields": error.get("fields")} for error in refused] == [
        expected
    ] * (SHOPPERS - UNITS), refused
    with live_platform.database(store):
        from catalog.models import ProductVariant
        from orders.models import OrderLine

        stock = ProductVariant.objects.get(pk=variant)
        assert stock.stock_on_hand - stock.stock_reserved == 0
        assert stock.stock_reserved == UNITS
        sold = OrderLine.objects.filter(variant_id=variant).values_list("quantity", flat=True)
        assert sum(sold) == UNITS


@pytest.mark.parametrize("with_key", [True, False])
def test_ten_parallel_submits_of_one_checkout_make_one_order(
    store, live_platform, delivery_option, with_key
):
    variant = _variant(store, live_platform, 100)
    client, url = _ready_checkout(store, variant, delivery_option)
    headers = {"Idempotency-Key": secrets.token_hex(8)} if with_key else {}

    answers = _at_once(
        [lambda: client.post(f"{url}complete/", json={}, headers=headers) for _ in range(10)]
    )

    statuses = [answer.status_code for answer in answers]
    assert all(status in (200, 201, 409) for status in statuses), statuses
    numbers = {answer.json()["number"] for answer in answers if answer.status_code in (200, 201)}
    assert len(numbers) == 1, statuses
    if not with_key:  # without a key every submit answers the one order (200 or 201)
        assert set(statuses) <= {200, 201}, statuses
    else:  # with one, a submit racing the first is told it is in flight (409), or replayed
        in_flight = [a.json()["error"]["code"] for a in answers if a.status_code == 409]
        assert set(in_flight) <= {"idempotency_key_in_flight"}, in_flight
    with live_platform.database(store):
        from orders.models import Order

        token = url.rstrip("/").rsplit("/", 1)[1]
        assert Order.objects.filter(checkout_token=token).count() == 1
