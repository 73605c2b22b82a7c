"""Two tabs or devices changing one cart at once lose nothing: concurrent requests through the
real server (gunicorn, 8 threads; tests/live_server.py)."""

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest

PARALLEL = 20


def _product(store, *, stock: int) -> int:
    """A fresh active product through the owner's API; the id of its variant."""
    slug = f"cart-race-{secrets.token_hex(4)}"
    answer = store.client("owner").post(
        "/api/v1/catalog/products/",
        json={
            "name": f"Race {slug}",
            "slug": slug,
            "status": "active",
            "variants": [{"sku": slug.upper(), "price": "3.00", "stock_on_hand": stock}],
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["variants"][0]["id"]


def _add_in_parallel(make_client, variant: int, headers: dict) -> list[int]:
    def add(_):
        answer = make_client().post(
            "/api/v1/cart/lines/", json={"variant": variant, "quantity": 1}, headers=headers
        )
        return answer.status_code

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(add, range(PARALLEL)))


@pytest.fixture(scope="module")
def store(live_platform):
    return live_platform.store_a


def test_twenty_parallel_adds_to_one_anonymous_cart_make_twenty(store):
    first, racing = _product(store, stock=1000), _product(store, stock=1000)
    created = store.client().post("/api/v1/cart/lines/", json={"variant": first, "quantity": 1})
    assert created.status_code == 201
    token, version = created.json()["token"], created.json()["version"]
    headers = {"X-Cart-Token": token}

    statuses = _add_in_parallel(store.client, racing, headers)

    assert sorted(statuses) == [200] * (PARALLEL - 1) + [201]
    cart = store.client().get("/api/v1/cart/", headers=headers).json()
    assert {line["variant"]: line["quantity"] for line in cart["lines"]} == {
        first: 1,
        racing: PARALLEL,
    }
    assert cart["version"] == version + PARALLEL
    assert cart["subtotal"] == "63.00"


def test_twenty_parallel_first_adds_of_a_signed_in_shopper_make_one_cart(store, live_platform):
    shopper = live_platform.new_person(store, "customer")
    variant = _product(store, stock=1000)

    statuses = _add_in_parallel(lambda: store.token_client(shopper.token), variant, {})

    assert sorted(statuses) == [200] * (PARALLEL - 1) + [201]
    on_another_device = store.token_client(store.log_in(shopper.email)).get("/api/v1/cart/")
    assert [line["quantity"] for line in on_another_device.json()["lines"]] == [PARALLEL]
    with live_platform.database(store):
        from cart.models import Cart

        assert Cart.objects.filter(user_id=shopper.user_id).count() == 1


def test_parallel_adds_never_put_more_in_the_cart_than_the_stock(store):
    first, scarce = _product(store, stock=1000), _product(store, stock=5)
    token = (
        store.client()
        .post("/api/v1/cart/lines/", json={"variant": first, "quantity": 1})
        .json()["token"]
    )
    headers = {"X-Cart-Token": token}

    statuses = _add_in_parallel(store.client, scarce, headers)

    assert sorted(statuses) == [200] * 4 + [201] + [400] * (PARALLEL - 5)
    cart = store.client().get("/api/v1/cart/", headers=headers).json()
    assert {line["variant"]: line["quantity"] for line in cart["lines"]} == {first: 1, scarce: 5}
