"""Store isolation, which held in the probe and must keep holding: store A's credentials and
objects do not exist at store B."""

import secrets
from urllib.parse import urlsplit

import pytest

from tests.live_server import ROLES


@pytest.mark.parametrize("role", ROLES)
def test_a_token_of_store_a_is_unknown_at_store_b(store_a, store_b, role):
    at_b = store_b.token_client(store_a.token(role))

    assert at_b.get("/api/v1/auth/user/").status_code == 401
    assert at_b.get("/api/v1/catalog/products/").status_code == 401


@pytest.mark.parametrize("key", ["store_key", "company_key"])
def test_an_api_key_of_store_a_is_unknown_at_store_b(store_a, store_b, key):
    at_b = store_b.key_client(getattr(store_a, key))

    assert at_b.get("/api/v1/auth/api-keys/current/").status_code == 401
    assert at_b.get("/api/v1/catalog/products/").status_code == 401
    assert at_b.get("/api/v1/shop/products/").status_code == 401


def test_a_browser_session_of_store_a_is_unknown_at_store_b(store_a, store_b):
    browser = store_a.client()
    browser.sign_in_page(store_a.people["owner"].email)
    stolen = {"sessionid": browser.session.cookies["sessionid"]}
    at_b = store_b.client()

    assert at_b.get("/api/v1/auth/user/", cookies=stolen).status_code == 401
    assert at_b.get("/django-admin/", cookies=stolen).status_code == 302
    assert at_b.get("/account/", cookies=stolen).status_code == 302


def product_ids(store) -> set[int]:
    owner, ids, path = store.client("owner"), set(), "/api/v1/catalog/products/?page_size=100"
    while path:
        page = owner.get(path).json()
        ids |= {item["id"] for item in page["results"]}
        link = urlsplit(page["next"] or "")
        path = page["next"] and f"{link.path}?{link.query}"
    return ids


def test_an_object_id_of_store_a_is_not_found_at_store_b(store_a, store_b):
    ids_at_b = product_ids(store_b)
    owner_a = store_a.client("owner")
    while True:  # a product of A whose id B does not use, so that B could only answer A's
        slug = f"only-at-a-{secrets.token_hex(3)}"
        made = owner_a.post(
            "/api/v1/catalog/products/",
            json={
                "name": slug,
                "slug": slug,
                "status": "active",
                "variants": [{"sku": slug, "price": "1"}],
            },
        ).json()
        if made["id"] not in ids_at_b:
            break

    owner_b = store_b.client("owner")
    assert owner_b.get(f"/api/v1/catalog/products/{made['id']}/").status_code == 404
    renamed = owner_b.patch(f"/api/v1/catalog/products/{made['id']}/", json={"name": "Mine"})
    assert renamed.status_code == 404
    assert owner_b.get(f"/api/v1/catalog/variants/{made['variants'][0]['id']}/").status_code == 404
    assert store_b.client().get(f"/api/v1/shop/products/{slug}/").status_code == 404
    assert slug not in owner_b.get("/api/v1/catalog/products/?page_size=100").text


def test_an_address_of_store_a_is_not_found_at_store_b(store_a, store_b):
    line = f"{secrets.token_hex(4)} Secret Street"
    made = store_a.client("customer").post(
        "/api/v1/auth/user/addresses/",
        json={
            "full_name": "A Shopper",
            "line1": line,
            "city": "Paris",
            "postal_code": "75001",
            "country": "FR",
        },
    )
    assert made.status_code == 201, made.text

    answer = store_b.client("customer").get(f"/api/v1/auth/user/addresses/{made.json()['id']}/")

    assert answer.status_code == 404
    assert line not in answer.text
