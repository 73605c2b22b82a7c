"""The storefront shows prices as the store's currency writes them (¥1,200 in a JPY store,
$12.50 in a USD one) and, on product pages and cards, the price struck through beside what
the shopper pays (a compare-at price, or for a business buyer the consumer price)."""

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from accounts import services as accounts_services
from accounts.models import User
from catalog import services
from search import services as search
from tests.catalog.factories import product

pytestmark = pytest.mark.django_db

STOCKED = {"stock_on_hand": 5}


@pytest.fixture(autouse=True)
def _rendered_each_time(settings, tmp_path):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"


@pytest.fixture
def shop(store_a, store_client):
    connection.set_tenant(store_a)
    return store_client(store_a)


@pytest.fixture
def jpy_store(store_a):
    store_a.currency = "JPY"
    store_a.save(update_fields=["currency"])
    connection.set_tenant(store_a)
    return store_a


def page_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def offers(page) -> dict:
    for node in page.select("script[type='application/ld+json']"):
        block = json.loads(node.string)
        if block["@type"] == "Product":
            return block["offers"]
    raise AssertionError("no Product JSON-LD")


def test_a_jpy_store_s_product_page_shows_whole_yen(jpy_store, shop):
    category = services.create_category(name="Tea")
    product(
        "Iron Teapot",
        slug="iron-teapot",
        categories=[category],
        variants=[
            {"sku": "TP-S", "price": Decimal("1200"), "options": {"size": "S"}, **STOCKED},
            {"sku": "TP-L", "price": Decimal("12500"), "options": {"size": "L"}, **STOCKED},
        ],
    )
    search.reindex_store()
    page = page_of(shop.get("/p/iron-teapot/"))
    assert page.select_one("[data-price]").get_text() == "¥1,200"
    labels = [label.get_text(" ", strip=True) for label in page.select(".variant-picker__option")]
    assert labels == ["Size: S ¥1,200", "Size: L ¥12,500"]
    assert offers(page)["priceCurrency"] == "JPY"
    assert (offers(page)["lowPrice"], offers(page)["highPrice"]) == ("1200", "12500")

    card = page_of(shop.get("/c/tea/")).select_one(".product-card__price")
    assert card.get_text(" ", strip=True) == "From ¥1,200"
    hit = page_of(shop.get("/search/", {"q": "teapot"})).select_one(".product-card__price")
    assert hit.get_text(" ", strip=True) == "From ¥1,200"


def test_a_change_of_currency_shows_on_cached_pages_at_once(
    store_a, shop, settings, django_capture_on_commit_callbacks
):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 300
    product("Mug", slug="mug", price="12.00")
    assert page_of(shop.get("/p/mug/")).select_one("[data-price]").get_text() == "$12.00"

    from tenants.services import set_store_currency

    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        set_store_currency(store_a, "EUR")
    connection.set_tenant(store_a)
    assert page_of(shop.get("/p/mug/")).select_one("[data-price]").get_text() == "€12.00"


def test_a_sale_price_shows_the_compare_at_price_struck_through(shop):
    category = services.create_category(name="Mugs")
    product(
        "Sale Mug",
        slug="sale-mug",
        categories=[category],
        variants=[
            {"sku": "SM-1", "price": Decimal("8.00"), "compare_at_price": Decimal("12.00")},
            {"sku": "SM-2", "price": Decimal("9.00")},
        ],
    )
    search.reindex_store()
    page = page_of(shop.get("/p/sale-mug/"))
    assert page.select_one("[data-price]").get_text() == "$8.00"
    struck = page.select_one("s.product__compare")
    assert struck.get_text() == "$12.00" and not struck.has_attr("hidden")
    variants = json.loads(page.select_one("#variant-data").string)
    assert [(v["sku"], v["compare_text"]) for v in variants] == [("SM-1", "$12.00"), ("SM-2", "")]

    other = page_of(shop.get("/p/sale-mug/", {"variant": "SM-2"}))
    assert other.select_one("s.product__compare").has_attr("hidden")

    card = page_of(shop.get("/c/mugs/")).select_one(".product-card__price")
    assert card.select_one("s.product-card__compare").get_text(" ", strip=True) == "Was $12.00"
    assert card.get_text(" ", strip=True) == "From $8.00 Was $12.00"


def test_a_business_buyer_sees_the_consumer_price_struck_through(store_a, shop, store_client):
    category = services.create_category(name="Tools")
    product(
        "Drill",
        slug="drill",
        categories=[category],
        variants=[{"sku": "DR-1", "price": Decimal("100.00"), "b2b_price": Decimal("80.00")}],
    )
    search.reindex_store()
    buyer = User.objects.create_user("buyer@co.test", "buyer@co.test", "Correct-horse-42")
    accounts_services.create_company(name="Co Ltd", admin=buyer)
    client = store_client(store_a)
    client.force_login(buyer)

    page = page_of(client.get("/p/drill/"))
    assert page.select_one("[data-price]").get_text() == "$80.00"
    assert page.select_one("s.product__compare").get_text() == "$100.00"
    card = page_of(client.get("/c/tools/")).select_one(".product-card__price")
    # Businesses see prices net of tax.
    assert card.get_text(" ", strip=True) == "$80.00 Was $100.00 excl. tax"

    anonymous = page_of(shop.get("/p/drill/"))
    assert anonymous.select_one("[data-price]").get_text() == "$100.00"
    assert anonymous.select_one("s.product__compare").has_attr("hidden")
