"""What search engines and link previews read on storefront pages: titles, descriptions,
canonical URLs, OpenGraph tags and JSON-LD."""

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from accounts import services as accounts_services
from accounts.models import User
from catalog import services
from tests.catalog.factories import product


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0


def head(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").head


def meta(page, **attrs) -> str:
    return page.find("meta", attrs=attrs)["content"]


def json_ld(page) -> dict[str, dict]:
    """The page's JSON-LD blocks by type (each must parse)."""
    blocks = [json.loads(node.string) for node in page.select("script[type='application/ld+json']")]
    return {block["@type"]: block for block in blocks}


def test_product_page_title_and_description_come_from_its_seo_fields(shop, catalog_a):
    page = head(shop.get("/p/trail-runner/"))
    assert page.title.get_text() == "Trail Runner shoes | Store A"
    assert meta(page, name="description") == "Grippy trail shoes for wet rock."
    assert meta(page, property="og:title") == "Trail Runner shoes | Store A"
    assert meta(page, property="og:type") == "product"
    assert meta(page, property="og:url") == "http://store-a.localhost/p/trail-runner/"


def test_without_seo_fields_a_product_page_falls_back_on_its_name_and_text(shop, store_a):
    connection.set_tenant(store_a)
    product("Plain Mug", description="<p>A <em>stoneware</em> mug. " + "Big. " * 60 + "</p>")
    page = head(shop.get("/p/plain-mug/"))
    assert page.title.get_text() == "Plain Mug | Store A"
    description = meta(page, name="description")
    assert description.startswith("A stoneware mug. Big.")
    assert len(description) <= 160 and description.endswith("…")


def test_canonical_links_leave_out_sorting_filters_and_tracking(shop, catalog_a):
    page = head(shop.get("/c/clothing/?sort=price&brand=stride&utm_source=mail&fbclid=x"))
    assert page.select_one("link[rel=canonical]")["href"] == "http://store-a.localhost/c/clothing/"
    product_page = head(shop.get("/p/trail-runner/?variant=RUN-40&utm_campaign=x"))
    assert (
        product_page.select_one("link[rel=canonical]")["href"]
        == "http://store-a.localhost/p/trail-runner/"
    )


def test_a_later_page_of_a_listing_is_its_own_canonical_page(shop, store_a):
    connection.set_tenant(store_a)
    mugs = services.create_category(name="Mugs", seo_title="Coffee mugs")
    for number in range(30):
        product(f"Mug {number}", categories=[mugs])
    from search import services as search

    search.reindex_store()
    page = head(shop.get("/c/mugs/?page=2&sort=-price"))
    assert (
        page.select_one("link[rel=canonical]")["href"] == "http://store-a.localhost/c/mugs/?page=2"
    )
    assert page.title.get_text() == "Coffee mugs (page 2) | Store A"


def test_product_json_ld_has_the_price_range_and_availability(shop, catalog_a):
    blocks = json_ld(head(shop.get("/p/trail-runner/")))
    item = blocks["Product"]
    assert item["@context"] == "https://schema.org"
    assert item["name"] == "Trail Runner"
    assert item["brand"] == {"@type": "Brand", "name": "Stride"}
    assert item["url"] == "http://store-a.localhost/p/trail-runner/"
    assert item["offers"] == {
        "@type": "AggregateOffer",
        "lowPrice": "80.00",
        "highPrice": "90.00",
        "offerCount": 2,
        "priceCurrency": "USD",
        "availability": "https://schema.org/InStock",
    }
    trail = blocks["BreadcrumbList"]["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in trail] == [
        (1, "Home", "http://store-a.localhost/"),
        (2, "Clothing", "http://store-a.localhost/c/clothing/"),
        (3, "Shoes", "http://store-a.localhost/c/clothing/shoes/"),
        (4, "Trail Runner", "http://store-a.localhost/p/trail-runner/"),
    ]


def test_a_single_variant_out_of_stock_is_one_offer_out_of_stock(shop, catalog_a):
    offer = json_ld(head(shop.get("/p/winter-boot/")))["Product"]["offers"]
    assert offer["@type"] == "Offer"
    assert offer["price"] == "150.00" and offer["priceCurrency"] == "USD"
    assert offer["availability"] == "https://schema.org/OutOfStock"
    assert offer["sku"].startswith("SKU-")


def test_business_buyers_json_ld_carries_their_prices(store_a, store_client, catalog_a):
    connection.set_tenant(store_a)
    buyer = User.objects.create_user("b@co.test", "b@co.test", "Correct-horse-42")
    accounts_services.create_company(name="Co", admin=buyer)
    client = store_client(store_a)
    client.force_login(buyer)
    offers = json_ld(head(client.get("/p/trail-runner/")))["Product"]["offers"]
    assert (offers["lowPrice"], offers["highPrice"]) == ("60.00", "80.00")


def test_json_ld_cannot_be_closed_by_a_product_name(shop, store_a):
    connection.set_tenant(store_a)
    product("Evil </script><script>alert(1)</script>", slug="evil", price="1")
    response = shop.get("/p/evil/")
    assert b"<script>alert(1)" not in response.content
    assert json_ld(head(response))["Product"]["name"].startswith("Evil </script>")


def test_category_and_brand_pages_describe_themselves(shop, store_a, catalog_a):
    connection.set_tenant(store_a)
    from catalog.models import Category

    services.update_category(
        category=Category.objects.get(slug="home"),
        data={"seo_description": "Lamps and more for your home."},
    )
    home = head(shop.get("/c/home/"))
    assert home.title.get_text() == "Home | Store A"
    assert meta(home, name="description") == "Lamps and more for your home."
    assert json_ld(home)["BreadcrumbList"]["itemListElement"][-1]["name"] == "Home"
    clothing = head(shop.get("/c/clothing/"))
    assert meta(clothing, name="description") == "Shop Clothing at Store A."
    brand = head(shop.get("/brands/lumen/"))
    assert brand.title.get_text() == "Lumen | Store A"
    assert meta(brand, property="og:url") == "http://store-a.localhost/brands/lumen/"


def test_search_results_are_not_for_indexes(shop, catalog_a):
    page = head(shop.get("/search/?q=lamp&sort=price"))
    assert meta(page, name="robots") == "noindex, follow"
    assert (
        page.select_one("link[rel=canonical]")["href"] == "http://store-a.localhost/search/?q=lamp"
    )


def test_home_page_names_the_store_as_an_organization(shop, catalog_a):
    page = head(shop.get("/"))
    organization = json_ld(page)["Organization"]
    assert organization["name"] == "Store A"
    assert organization["url"] == "http://store-a.localhost/"
    assert page.select_one("link[rel=canonical]")["href"] == "http://store-a.localhost/"


def test_prices_in_json_ld_are_two_decimals(shop, store_a):
    connection.set_tenant(store_a)
    product("Round Price", price="12", slug="round")
    offer = json_ld(head(shop.get("/p/round/")))["Product"]["offers"]
    assert offer["price"] == "12.00"
    assert Decimal(offer["price"]) == Decimal("12")
