"""The catalog API: staff CRUD and bulk updates, the shopper catalog with filters and caching."""

import io
from decimal import Decimal

import pytest
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PillowImage
from rest_framework.test import APIClient
from wagtail.images import get_image_model

from accounts import services as accounts_services
from accounts.models import User
from catalog import services
from catalog.models import Product, ProductVariant

from .factories import attribute, product


@pytest.fixture
def staff_api(store_a):
    """An API client for store A's catalog manager."""
    connection.set_tenant(store_a)
    manager = accounts_services.create_staff_member(
        email="catalog@store-a.test", password="Correct-horse-42", role="catalog_manager"
    )
    client = APIClient(HTTP_HOST=store_a.primary_host)
    client.force_authenticate(manager)
    return client


@pytest.fixture
def shop(store_a):
    connection.set_tenant(store_a)
    return APIClient(HTTP_HOST=store_a.primary_host)


def test_staff_creates_a_product_with_variants_categories_and_attributes(staff_api):
    services.create_category(name="Shirts")
    attribute("material", "choice", ["Cotton", "Linen"])
    response = staff_api.post(
        "/api/v1/catalog/products/",
        {
            "name": "Linen Shirt",
            "status": "active",
            "categories": ["shirts"],
            "attributes": {"material": "linen"},
            "variants": [
                {"sku": "LS-S", "price": "49.00", "options": {"size": "S"}, "stock_on_hand": 4},
                {"sku": "LS-M", "price": "52.00", "b2b_price": "40.00", "options": {"size": "M"}},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "linen-shirt"
    assert body["categories"] == ["shirts"]
    assert body["attributes"] == {"material": "linen"}
    assert [v["sku"] for v in body["variants"]] == ["LS-S", "LS-M"]
    assert body["min_price"] == "49.00" and body["in_stock"] is True
    assert ProductVariant.objects.get(sku="LS-S").stock_adjustments.get().reason == "received"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "variants": [{"sku": "N-1", "price": "-1"}]}, "variants.0.price"),
        ({"name": "X", "categories": ["nope"]}, "categories"),
        ({"name": "X", "attributes": {"colour": "red"}}, "attributes.colour"),
        ({"name": "X", "visible_b2c": False, "visible_b2b": False}, "visible_b2c"),
        ({"name": "", "variants": []}, "name"),
    ],
)
def test_bad_product_input_gets_field_errors_and_creates_nothing(staff_api, payload, field):
    response = staff_api.post("/api/v1/catalog/products/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"], response.json()
    assert not Product.objects.exists()


def test_duplicate_sku_by_api_is_a_field_error(staff_api):
    product(variants=[{"sku": "DUP-1", "price": Decimal("1")}])
    response = staff_api.post(
        "/api/v1/catalog/products/",
        {"name": "Other", "variants": [{"sku": "DUP-1", "price": "2.00"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "sku" in response.json()["error"]["fields"]


def test_category_cycle_is_refused_by_api(staff_api):
    parent = services.create_category(name="Garden")
    child = services.create_category(name="Tools", parent=parent)
    response = staff_api.post(
        f"/api/v1/catalog/categories/{parent.pk}/move/", {"parent_id": child.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "category_cycle"


def category_picture(title: str):
    output = io.BytesIO()
    PillowImage.new("RGB", (64, 48), color=(90, 120, 160)).save(output, "JPEG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(output, name=f"{title.lower()}.jpg")
    )


def category_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/catalog/categories/")
    assert response.status_code == 200
    return sum(1 for query in queries if not query["sql"].startswith("SET search_path"))


def test_categories_show_their_image_url_read_only_in_constant_queries(staff_api):
    garden = services.create_category(name="Garden", image=category_picture("Garden"))
    services.create_category(name="Tools")
    category_list_queries(staff_api)  # the first call also loads the caller's permissions
    with_two = category_list_queries(staff_api)
    for n in range(4):
        services.create_category(name=f"Room {n}", image=category_picture(f"Room{n}"))

    listing = staff_api.get("/api/v1/catalog/categories/").json()
    changed = staff_api.patch(
        f"/api/v1/catalog/categories/{garden.pk}/", {"image_url": "/elsewhere.jpg"}, format="json"
    )

    urls = {row["name"]: row["image_url"] for row in listing}
    assert urls["Garden"].endswith("garden.jpg") and urls["Garden"].startswith("/")
    assert urls["Tools"] is None
    assert category_list_queries(staff_api) == with_two
    assert changed.status_code == 200
    assert changed.json()["image_url"] == urls["Garden"]


def test_the_shop_category_page_of_a_category_with_an_image_keeps_its_shape(shop):
    services.create_category(name="Garden", image=category_picture("Garden"))

    response = shop.get("/api/v1/shop/categories/garden/")

    assert response.status_code == 200
    assert set(response.json()) == {
        "slug", "name", "description", "seo_title", "seo_description", "breadcrumbs", "children"
    }  # fmt: skip


def test_bulk_endpoint_updates_a_thousand_variants_atomically(staff_api):
    variants = [{"sku": f"BULK-{n}", "price": Decimal("1.00")} for n in range(1000)]
    product(variants=variants)
    rows = [{"sku": f"BULK-{n}", "price": "2.50", "stock_on_hand": n % 7} for n in range(1000)]
    response = staff_api.post("/api/v1/catalog/variants/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"updated": 1000}
    assert ProductVariant.objects.filter(price=Decimal("2.50")).count() == 1000

    too_many = [*rows, {"sku": "BULK-0", "price": "1"}]
    response = staff_api.post("/api/v1/catalog/variants/bulk/", {"rows": too_many}, format="json")
    assert response.status_code == 400
    rows[500]["price"] = "-3"
    response = staff_api.post("/api/v1/catalog/variants/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400
    assert ProductVariant.objects.filter(price=Decimal("2.50")).count() == 1000


def test_staff_product_list_costs_the_same_queries_whatever_its_size(
    staff_api, django_assert_num_queries
):
    for _ in range(2):
        product()
    staff_api.get("/api/v1/catalog/products/")  # warm-up: per-process caches fill once
    with CaptureQueriesContext(connection) as first:
        staff_api.get("/api/v1/catalog/products/")
    for _ in range(30):
        product(
            variants=[
                {"sku": f"Q-{_}-a", "price": Decimal(1)},
                {"sku": f"Q-{_}-b", "price": Decimal(2)},
            ]
        )
    with django_assert_num_queries(len(first.captured_queries)):
        response = staff_api.get("/api/v1/catalog/products/?page_size=50")
    assert len(response.json()["results"]) == 32


# --- shoppers ----------------------------------------------------------------------------------


def test_shoppers_see_active_b2c_products_only(shop):
    product("Visible Lamp")
    product("Draft Lamp", status="draft")
    product("Trade Lamp", visible_b2c=False, visible_b2b=True)
    names = [item["name"] for item in shop.get("/api/v1/shop/products/").json()["results"]]
    assert names == ["Visible Lamp"]
    assert shop.get("/api/v1/shop/products/draft-lamp/").status_code == 404
    assert shop.get("/api/v1/shop/products/trade-lamp/").status_code == 404


def test_b2b_buyers_see_b2b_products_and_prices(store_a):
    connection.set_tenant(store_a)
    product("Both", variants=[{"sku": "BOTH", "price": Decimal("10"), "b2b_price": Decimal("7")}])
    product("Trade Only", visible_b2c=False, variants=[{"sku": "TR", "price": Decimal("5")}])
    buyer = User.objects.create_user("buyer@co.test", "buyer@co.test", "Correct-horse-42")
    company = accounts_services.create_company(name="Co Ltd", admin=buyer)
    assert company is not None
    client = APIClient(HTTP_HOST=store_a.primary_host)
    client.force_authenticate(buyer)
    results = client.get("/api/v1/shop/products/").json()["results"]
    assert {item["name"]: item["price_from"] for item in results} == {
        "Both": "7.00",
        "Trade Only": "5.00",
    }


def test_filters_by_subcategory_brand_price_attributes_and_stock(shop):
    home = services.create_category(name="Home")
    lighting = services.create_category(name="Lighting", parent=home)
    services.create_category(name="Garden")
    attribute("finish", "choice", ["Brass", "Black"])
    lamp = product("Brass Lamp", price="80", categories=[lighting], brand_name="Lumen")
    services.set_attribute_values(owner=lamp, values={"finish": "brass"})
    product("Black Lamp", price="40", categories=[lighting], brand_name="Lumen", stock=0)
    product("Rug", price="120", categories=[home], brand_name="Weave")
    product("Hose", price="25", brand_name="Lumen")

    def names(**params):
        response = shop.get("/api/v1/shop/products/", params)
        assert response.status_code == 200, response.json()
        return sorted(item["name"] for item in response.json()["results"])

    assert names(category="home") == ["Black Lamp", "Brass Lamp", "Rug"]
    assert names(category="lighting", brand="lumen") == ["Black Lamp", "Brass Lamp"]
    assert names(price_min="30", price_max="100") == ["Black Lamp", "Brass Lamp"]
    assert names(**{"attr.finish": "brass"}) == ["Brass Lamp"]
    assert names(category="home", in_stock="true") == ["Brass Lamp", "Rug"]
    bad = shop.get("/api/v1/shop/products/", {"price_min": "cheap", "category": "nope"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"price_min", "category"}


def test_sorting_and_cursor_pagination(shop):
    for price in (30, 10, 20, 50, 40):
        product(f"Item {price}", price=str(price))
    first = shop.get("/api/v1/shop/products/", {"sort": "price", "page_size": 2}).json()
    assert [item["price_from"] for item in first["results"]] == ["10.00", "20.00"]
    second = shop.get(first["next"]).json()
    assert [item["price_from"] for item in second["results"]] == ["30.00", "40.00"]
    newest = shop.get("/api/v1/shop/products/", {"sort": "newest"}).json()["results"]
    assert newest[0]["name"] == "Item 40"
    assert shop.get("/api/v1/shop/products/", {"sort": "random"}).status_code == 400


def test_unchanged_catalog_revalidates_with_304_and_no_queries(
    shop, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        product("Kettle")
    first = shop.get("/api/v1/shop/products/")
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Last-Modified"]
    with django_assert_num_queries(1):  # the store's routing, nothing of the catalog
        again = shop.get("/api/v1/shop/products/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_update_variants(
            rows=[{"sku": Product.objects.get().variants.get().sku, "price": "9"}]
        )
    changed = shop.get("/api/v1/shop/products/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_shopper_list_costs_the_same_queries_whatever_the_page_size(
    shop, django_assert_num_queries, settings
):
    settings.CATALOG_ANSWER_CACHE_SECONDS = 0  # measure the queries, not the answer cache
    for number in range(3):
        product(f"Small {number}")
    shop.get("/api/v1/shop/products/", {"page_size": 3})  # warm-up
    with CaptureQueriesContext(connection) as small:
        shop.get("/api/v1/shop/products/", {"page_size": 3})
    for number in range(40):
        product(
            f"Big {number}",
            variants=[{"sku": f"BIG-{number}-{k}", "price": Decimal(k + 1)} for k in range(3)],
        )
    with django_assert_num_queries(len(small.captured_queries)):
        response = shop.get("/api/v1/shop/products/", {"page_size": 40})
    assert len(response.json()["results"]) == 40


def test_another_stores_products_are_invisible(store_a, store_b):
    connection.set_tenant(store_a)
    product("A's Secret Kettle")
    connection.set_tenant(store_b)
    client = APIClient(HTTP_HOST=store_b.primary_host)
    assert client.get("/api/v1/shop/products/").json()["results"] == []
    assert client.get("/api/v1/shop/products/a-s-secret-kettle/").status_code == 404


def test_a_repeated_listing_is_answered_from_the_cache_until_the_catalog_changes(
    shop, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        product("Teapot", price="30")
    first = shop.get("/api/v1/shop/products/").json()
    with django_assert_num_queries(1):  # the store's routing only
        assert shop.get("/api/v1/shop/products/").json() == first
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_update_variants(
            rows=[{"sku": Product.objects.get().variants.get().sku, "price": "35"}]
        )
    assert shop.get("/api/v1/shop/products/").json()["results"][0]["price_from"] == "35.00"
