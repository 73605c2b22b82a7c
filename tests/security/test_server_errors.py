"""Items 16-19: requests anyone can make that answered 500 (item 20 is in test_catalog_files)."""

import secrets

import pytest

from tests.live_server import PASSWORD
from tests.security.conftest import error_of

# --- 16: unmatched paths -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/favicon.ico", "/robots.txt"])
@pytest.mark.parametrize("host", ["platform", "store"])
def test_favicon_and_robots_are_served_on_every_host(live, host, path):
    client = live.platform_client() if host == "platform" else live.store_a.client()

    answer = client.get(path, allow_redirects=True)  # as a browser (a redirect to a file is fine)

    assert answer.status_code == 200
    assert answer.content


def test_an_unknown_path_on_the_platform_host_is_not_found(live):
    assert live.platform_client().get(f"/nope-{secrets.token_hex(3)}").status_code == 404


def test_an_unknown_path_on_a_store_host_is_not_found(store_a):
    assert store_a.client().get(f"/nope-{secrets.token_hex(3)}/").status_code == 404


# --- 17: the browsable API ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/shop/products/", "/api/v1/shop/categories/", "/api/v1/shop/brands/"]
)
def test_a_browser_opens_the_shop_api(store_a, path):
    answer = store_a.client().get(path, headers={"Accept": "text/html"})

    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")


# --- 18: integers past their column ------------------------------------------------------------


@pytest.fixture
def variant(store_a) -> dict:
    """A fresh variant of store A with 10 in stock."""
    sku = f"STOCK-{secrets.token_hex(4)}"
    answer = store_a.client("owner").post(
        "/api/v1/catalog/products/",
        json={
            "name": f"Stock {sku}",
            "variants": [{"sku": sku, "price": "1.00", "stock_on_hand": 10}],
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["variants"][0]


def stock_of(store, variant: dict) -> int:
    return (
        store.client("owner")
        .get(f"/api/v1/catalog/variants/{variant['id']}/")
        .json()["stock_on_hand"]
    )


def adjust(store, variant: dict, delta: int):
    return store.client("owner").post(
        f"/api/v1/catalog/variants/{variant['id']}/stock-adjustments/",
        json={"delta": delta, "reason": "received"},
    )


def test_a_stock_adjustment_past_the_column_is_refused(store_a, variant):
    answer = adjust(store_a, variant, 99_999_999_999)

    assert answer.status_code == 400
    assert "delta" in error_of(answer)["fields"]
    assert stock_of(store_a, variant) == 10


def test_two_adjustments_that_overflow_together_are_refused(store_a, variant):
    assert adjust(store_a, variant, 2_147_483_000).status_code == 201

    answer = adjust(store_a, variant, 2_147_483_000)

    assert answer.status_code == 400
    assert stock_of(store_a, variant) == 2_147_483_010


def test_a_bulk_stock_level_past_the_column_is_refused(store_a, variant):
    answer = store_a.client("owner").post(
        "/api/v1/catalog/variants/bulk/",
        json={"rows": [{"sku": variant["sku"], "stock_on_hand": 99_999_999_999_999}]},
    )

    assert answer.status_code == 400
    assert stock_of(store_a, variant) == 10


# --- 19: subdomains whose schema exists --------------------------------------------------------


@pytest.mark.parametrize("subdomain", ["public", "information-schema", "pg-toast"])
def test_signup_refuses_a_subdomain_whose_schema_exists(live, subdomain):
    answer = live.platform_client().post(
        "/api/platform/signup/",
        json={
            "store_name": "Squatter",
            "subdomain": subdomain,
            "owner_email": f"squatter-{secrets.token_hex(3)}@example.com",
            "owner_password": PASSWORD,
        },
    )

    assert answer.status_code == 400
    assert set(error_of(answer)["fields"]) == {"subdomain"}


@pytest.mark.parametrize("subdomain", ["public", "information-schema", "pg-toast"])
def test_availability_says_a_subdomain_whose_schema_exists_is_unavailable(live, subdomain):
    answer = live.platform_client().get(
        "/api/platform/signup/availability/", params={"subdomain": subdomain}
    )

    assert answer.status_code == 200
    assert answer.json()["available"] is False
