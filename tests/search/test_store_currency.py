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
