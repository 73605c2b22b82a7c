"""Search answers amounts in the store's currency, with its decimals: documents hold amounts
only, so a change of the store's currency needs no reindex."""

from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from search import selectors, services
from search.models import ProductDocument
from tests.catalog.factories import product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_backend(settings):
    settings.SEARCH_BACKEND = "postgres"


def test_a_jpy_store_s_hits_are_whole_yen(store_a):
    store_a.currency = "JPY"
    store_a.save(update_fields=["currency"])
    connection.set_tenant(store_a)
    product("Iron Teapot", variants=[{"sku": "TP-1", "price": Decimal("1200")}])
    services.reindex_store()

    hit = APIClient(HTTP_HOST=store_a.primary_host).get("/api/v1/search/", {"q": "teapot"})
    assert hit.status_code == 200
    first = hit.json()["results"][0]
    assert (first["price_from"], first["price_to"], first["currency"]) == ("1200", "1200", "JPY")


def test_documents_hold_no_currency_and_hits_follow_the_store(store_a):
    connection.set_tenant(store_a)
    product("Mug", price="12.50")
    services.reindex_store()
    assert "currency" not in {field.name for field in ProductDocument._meta.get_fields()}
    hit = selectors.search_products(text="mug", channel="b2c", filters={}).hits[0]
    assert (hit.min_price, hit.currency) == (Decimal("12.50"), "USD")

    store_a.currency = "EUR"
    connection.set_tenant(store_a)
    hit = selectors.search_products(text="mug", channel="b2c", filters={}).hits[0]
    assert (hit.min_price, hit.currency) == (Decimal("12.50"), "EUR")


def _price_facet(store, params) -> list[tuple[str, str, int]]:
    body = APIClient(HTTP_HOST=store.primary_host).get("/api/v1/search/", params).json()
    return [(f["value"], f["label"], f["count"]) for f in body["facets"]["price"]]


def test_price_ranges_are_labelled_in_the_store_s_currency(store_a):
    connection.set_tenant(store_a)
    for number, price in enumerate(("12.50", "30.00", "740.00")):
        product(f"Lamp {number}", variants=[{"sku": f"L-{number}", "price": Decimal(price)}])
    services.reindex_store()

    assert _price_facet(store_a, {"q": "lamp"}) == [
        ("-25", "Under $25", 1),
        ("25-50", "$25 to $50", 1),
        ("500-", "$500 and over", 1),
    ]

    store_a.currency = "EUR"
    store_a.save(update_fields=["currency"])
    assert [label for _, label, _ in _price_facet(store_a, {"q": "lamp"})] == [
        "Under €25",
        "€25 to €50",
        "€500 and over",
    ]


def test_a_jpy_store_s_price_ranges_are_round_yen_and_filter_in_yen(store_a, store_client):
    store_a.currency = "JPY"
    store_a.save(update_fields=["currency"])
    connection.set_tenant(store_a)
    for number, price in enumerate(("1200", "3000", "7800", "64000")):
        product(f"Teapot {number}", variants=[{"sku": f"TP-{number}", "price": Decimal(price)}])
    services.reindex_store()

    assert _price_facet(store_a, {"q": "teapot"}) == [
        ("-2500", "Under ¥2,500", 1),
        ("2500-5000", "¥2,500 to ¥5,000", 1),
        ("5000-10000", "¥5,000 to ¥10,000", 1),
        ("50000-", "¥50,000 and over", 1),
    ]
    chosen = APIClient(HTTP_HOST=store_a.primary_host).get(
        "/api/v1/search/", {"q": "teapot", "price_min": "2500", "price_max": "5000"}
    )
    assert [hit["name"] for hit in chosen.json()["results"]] == ["Teapot 1"]

    page = store_client(store_a).get("/search/", {"q": "teapot", "price": "2500-5000"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="2500-5000" checked> ¥2,500 to ¥5,000' in html
    assert "Teapot 1" in html and "Teapot 0" not in html
