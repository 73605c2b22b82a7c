"""Through the real server (gunicorn, 8 threads): parallel retries with one key run once."""

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_server import LiveStore, forget_rate_limits

PARALLEL = 10


@pytest.fixture
def live(live_platform):
    forget_rate_limits()
    return live_platform


def _product(tag: str) -> dict:
    return {
        "name": f"Race {tag}",
        "slug": f"race-{tag}",
        "status": "active",
        "variants": [{"sku": f"RACE-{tag}", "price": "10.00", "stock_on_hand": 1}],
    }


def _post_at_once(store: LiveStore, body: dict, key: str, times: int = PARALLEL) -> list:
    """``times`` owner POSTs of ``body`` with ``key``, released together by a barrier."""
    token = store.token("owner")
    start = threading.Barrier(times)

    def send(_):
        client = store.token_client(token)  # a connection of its own
        start.wait()
        return client.post("/api/v1/catalog/products/", json=body, headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(send, range(times)))


def _products_named(live, store: LiveStore, slug: str) -> int:
    with live.database(store):
        from catalog.models import Product

        return Product.objects.filter(slug=slug).count()


def test_ten_parallel_posts_with_one_key_create_one_product(live):
    store, tag = live.store_a, secrets.token_hex(4)
    key = f"race-{tag}"

    answers = _post_at_once(store, _product(tag), key)

    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) <= {201, 409}, [answer.text for answer in answers]
    ran = [a for a in answers if a.status_code == 201 and "Idempotent-Replayed" not in a.headers]
    assert len(ran) == 1
    for answer in answers:
        if answer.status_code == 201:
            assert answer.json() == ran[0].json()
        else:
            assert answer.json()["error"]["code"] == "idempotency_key_in_flight"
            assert answer.headers["Retry-After"] == "1"
    assert _products_named(live, store, f"race-{tag}") == 1
    # Once it is done, every retry gets its answer.
    retry = store.client("owner").post(
        "/api/v1/catalog/products/", json=_product(tag), headers={"Idempotency-Key": key}
    )
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == ran[0].json()


def test_one_key_at_two_stores_creates_a_product_at_each(live):
    tag = secrets.token_hex(4)
    key = f"shared-{tag}"

    answers = [
        store.client("owner").post(
            "/api/v1/catalog/products/", json=_product(tag), headers={"Idempotency-Key": key}
        )
        for store in live.stores
    ]

    assert [answer.status_code for answer in answers] == [201, 201]
    assert all("Idempotent-Replayed" not in answer.headers for answer in answers)
    for store in live.stores:
        assert _products_named(live, store, f"race-{tag}") == 1


def test_a_multipart_upload_retried_with_new_boundaries_is_one_import(live):
    """``requests`` draws a new multipart boundary per request: the body still counts as one."""
    owner = live.store_a.client("owner")
    csv = f"product_name,variant_sku,variant_price\nLamp {secrets.token_hex(3)},L-1,30.00\n"
    key = f"import-{secrets.token_hex(4)}"

    answers = [
        owner.post(
            "/api/v1/catalog/imports/",
            files={"file": ("catalog.csv", csv.encode(), "text/csv")},
            data={"dry_run": "true"},
            headers={"Idempotency-Key": key},
        )
        for _ in range(2)
    ]

    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    assert answers[1].json()["id"] == answers[0].json()["id"]
