"""Items 14 and 15: the shop's answer cache can be neither poisoned nor grown by a stranger."""

import secrets
from urllib.parse import urlsplit

from django.conf import settings

from tests.live_server import redis_connection


def right_after_a_catalog_change(live, store) -> None:
    """The moment an attacker waits for: every cached answer of the store just went stale."""
    from catalog.catalog_version import bump_catalog_version

    with live.database(store):
        bump_catalog_version()


def cached_answers(store) -> int:
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    pattern = f"{store.schema_name}:{prefix}:*catalog:answer:*"
    return sum(1 for _ in redis_connection().scan_iter(match=pattern, count=1000))


def test_a_forged_host_port_does_not_reach_the_next_link_others_get(live, store_a):
    right_after_a_catalog_change(live, store_a)
    store_a.client(host=f"{store_a.host}:6666").get("/api/v1/shop/products/?page_size=1")

    answer = store_a.client().get("/api/v1/shop/products/?page_size=1")

    assert answer.status_code == 200
    assert answer.json()["next"]
    assert ":6666" not in answer.json()["next"]


def test_the_next_link_leads_to_the_next_page(store_a):
    shop = store_a.client()
    first = shop.get("/api/v1/shop/products/?page_size=1").json()
    link = urlsplit(first["next"])  # absolute or relative, it names this store's next page

    second = shop.get(f"{link.path}?{link.query}")

    assert second.status_code == 200
    assert second.json()["results"][0]["slug"] != first["results"][0]["slug"]


def test_unknown_query_parameters_do_not_grow_the_cache(live, store_a):
    right_after_a_catalog_change(live, store_a)
    shop = store_a.client()
    assert shop.get("/api/v1/shop/products/").status_code == 200
    before = cached_answers(store_a)

    answers = [
        shop.get(f"/api/v1/shop/products/?utm_campaign={secrets.token_hex(8)}") for _ in range(5)
    ]

    assert all(answer.status_code < 500 for answer in answers)
    assert cached_answers(store_a) == before
