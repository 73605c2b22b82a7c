"""Through the real server: ten parallel submits of one checkout, without an Idempotency-Key,
make one order, and every answer names it."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_server import forget_rate_limits

PARALLEL = 10


@pytest.fixture
def live(live_platform):
    forget_rate_limits()
    return live_platform


def test_ten_parallel_completes_of_one_checkout_make_one_order(live):
    from payments import services as payment_services
    from shipping.demo import seed_demo_shipping

    store = live.store_a

    with live.database(store):
        seed_demo_shipping()
        payment_services.set_method_settings(data={"enabled_methods": ["cod"]})
    client = store.client()
    variant = store.products["lamp"]["variants"][0]["id"]
    cart = client.post("/api/v1/cart/lines/", json={"variant": variant, "quantity": 1})
    assert cart.status_code == 201, cart.text
    cart_token = cart.json()["token"]
    started = client.post("/api/v1/checkout/", json={}, headers={"X-Cart-Token": cart_token})
    assert started.status_code == 201, started.text
    url = f"/api/v1/checkout/{started.json()['token']}/"
    address = {
        "full_name": "Ana Lopez",
        "line1": "1 Market St",
        "city": "San Francisco",
        "region": "CA",
        "postal_code": "94105",
        "country": "US",
    }
    client.patch(url, json={"email": "race@example.com", "shipping_address": address})
    standard = next(
        o for o in client.get(f"{url}delivery-options/").json() if o["name"] == "Standard"
    )
    ready = client.patch(url, json={"delivery_option": standard["id"], "payment_method": "cod"})
    assert ready.json()["missing"] == {}, ready.text
    barrier = threading.Barrier(PARALLEL)

    def send(_):
        own = store.client()
        barrier.wait()
        return own.post(f"{url}complete/", json={})

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(pool.map(send, range(PARALLEL)))

    assert sorted({answer.status_code for answer in answers}) in ([201], [200, 201])
    assert [answer.status_code for answer in answers].count(201) == 1
    assert len({answer.json()["number"] for answer in answers}) == 1
    with live.database(store):
        from orders.models import Order

        assert Order.objects.filter(checkout_token=started.json()["token"]).count() == 1
    # Store A is shared by the browser tests: its dashboard expects no payment method set up.
    with live.database(store):
        payment_services.set_method_settings(data={"enabled_methods": []})
