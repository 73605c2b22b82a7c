"""The storefront reads products' summaries: one query a page, always matching the variants.

Every write path (services, stock, images and their renditions, the admin) refreshes a
product's ``listing`` and ``attribute_tokens`` in its own transaction; the shop API serves
them without touching variants, images or attribute values.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from catalog import inventory, services
from catalog.api.serializers import ShopProductDetailSerializer, ShopProductListSerializer
from catalog.models import AttributeOption, Product, ProductVariant

from .factories import attribute, image_bytes, product, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(store_a, settings):
    settings.CATALOG_ANSWER_CACHE_SECONDS = 0  # every request reads the database
    connection.set_tenant(store_a)
    return APIClient(HTTP_HOST=store_a.primary_host)


def card(shop, slug: str) -> dict:
    results = shop.get("/api/v1/shop/products/", {"page_size": 100}).json()["results"]
    return next(item for item in results if item["slug"] == slug)


def catalog_queries(captured) -> list[str]:
    """The queries of the catalog (not routing, not django-tenants' search_path)."""
    return [query["sql"] for query in captured if "catalog_" in query["sql"]]


def test_a_listing_page_is_one_catalog_query_whatever_its_variants_and_images(
    shop, owner, media_root
):
    for number in range(12):
        made = product(
            f"Lamp {number}",
            variants=[{"sku": f"L{number}-{k}", "price": Decimal(k + 5)} for k in range(4)],
        )
        owner.post(f"/api/v1/catalog/products/{made.pk}/images/", {"image": upload(image_bytes())})
    with CaptureQueriesContext(connection) as captured:
        response = shop.get("/api/v1/shop/products/", {"page_size": 12})
    assert len(response.json()["results"]) == 12
    assert all(len(item["variants"]) == 4 and item["image"] for item in response.json()["results"])
    assert len(catalog_queries(captured.captured_queries)) == 1


def test_a_product_page_is_two_catalog_queries_whatever_it_carries(shop, owner, media_root):
    attribute("colour", "choice", ["Red", "Blue"])
    attribute("material", "multi_choice", ["Brass", "Glass"])
    attribute("height", "number", unit="cm")
    lamp = product(
        "Desk Lamp",
        variants=[{"sku": f"DL-{k}", "price": Decimal("40")} for k in range(5)],
    )
    services.set_attribute_values(
        owner=lamp, values={"material": ["brass", "glass"], "height": "45.50"}
    )
    for _ in range(3):
        owner.post(f"/api/v1/catalog/products/{lamp.pk}/images/", {"image": upload(image_bytes())})

    with CaptureQueriesContext(connection) as captured:
        page = shop.get("/api/v1/shop/products/desk-lamp/").json()
    assert len(catalog_queries(captured.captured_queries)) == 2
    assert len(page["variants"]) == 5
    assert len(page["images"]) == 3
    assert page["attributes"] == {"height": "45.5", "material": ["brass", "glass"]}


def test_cards_and_pages_have_exactly_the_documented_fields(shop):
    product("Kettle", categories=[services.create_category(name="Kitchen")])
    listed = card(shop, "kettle")
    page = shop.get("/api/v1/shop/products/kettle/").json()
    assert set(listed) == set(ShopProductListSerializer().fields)
    assert set(page) == set(ShopProductDetailSerializer().fields)
    assert page["categories"] == ["kitchen"]
    assert set(listed["variants"][0]) == set(
        ShopProductListSerializer().fields["variants"].child.fields
    )


def test_the_card_follows_prices_stock_and_variants(shop):
    made = product(
        "Mug",
        variants=[
            {"sku": "MUG-S", "price": Decimal("8.00"), "stock_on_hand": 2},
            {"sku": "MUG-L", "price": Decimal("12.00"), "stock_on_hand": 0},
        ],
    )
    assert card(shop, "mug")["price_from"] == "8.00"
    assert [v["in_stock"] for v in card(shop, "mug")["variants"]] == [True, False]

    small = ProductVariant.objects.get(sku="MUG-S")
    services.update_variant(variant=small, data={"price": Decimal("9.50")})
    inventory.adjust_stock(variant_id=small.pk, delta=-2, reason="sold")
    listed = card(shop, "mug")
    assert listed["price_from"] == "9.50"
    assert listed["variants"][0] == {
        "sku": "MUG-S",
        "name": "",
        "options": {},
        "currency": "USD",
        "price": "9.50",
        "compare_at_price": None,
        "in_stock": False,
    }
    assert listed["in_stock"] is False

    services.delete_variant(variant=small)
    services.create_variant(
        product=made, data={"sku": "MUG-XL", "price": Decimal("15.00"), "stock_on_hand": 1}
    )
    assert [v["sku"] for v in card(shop, "mug")["variants"]] == ["MUG-L", "MUG-XL"]
    assert card(shop, "mug")["in_stock"] is True


def test_the_card_shows_images_and_their_renditions_as_urls(
    shop, owner, media_root, celery_eager, django_capture_on_commit_callbacks
):
    made = product("Vase")
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            f"/api/v1/catalog/products/{made.pk}/images/",
            {"image": upload(image_bytes()), "alt_text": "Blue vase"},
        )
    image = card(shop, "vase")["image"]
    assert image["alt_text"] == "Blue vase"
    assert image["url"].startswith("/media/store_a/products/")
    assert set(image["renditions"]) >= {"thumbnail", "thumbnail_webp", "large"}
    assert all(url.startswith("/media/store_a/") for url in image["renditions"].values())
    assert owner.get(image["renditions"]["thumbnail_webp"]).status_code == 200

    image_id = made.images.get().pk
    owner.delete(f"/api/v1/catalog/products/{made.pk}/images/{image_id}/")
    assert card(shop, "vase")["image"] is None


def test_b2b_buyers_get_b2b_prices_on_cards_and_pages(store_a):
    from accounts import services as accounts_services
    from accounts.models import User

    connection.set_tenant(store_a)
    product("Crate", variants=[{"sku": "CR", "price": Decimal("10"), "b2b_price": Decimal("7")}])
    product("Box", variants=[{"sku": "BX", "price": Decimal("4")}])
    buyer = User.objects.create_user("buyer@crates.test", "buyer@crates.test", "Correct-horse-42")
    accounts_services.create_company(name="Crates Ltd", admin=buyer)
    client = APIClient(HTTP_HOST=store_a.primary_host)
    client.force_authenticate(buyer)
    results = client.get("/api/v1/shop/products/").json()["results"]
    assert {item["slug"]: item["variants"][0]["price"] for item in results} == {
        "crate": "7.00",
        "box": "4.00",
    }
    assert client.get("/api/v1/shop/products/crate/").json()["variants"][0]["price"] == "7.00"
    anonymous = APIClient(HTTP_HOST=store_a.primary_host)
    assert anonymous.get("/api/v1/shop/products/crate/").json()["variants"][0]["price"] == "10.00"


def names(shop, **params) -> list[str]:
    response = shop.get("/api/v1/shop/products/", params)
    assert response.status_code == 200, response.json()
    return sorted(item["name"] for item in response.json()["results"])


def test_attribute_filters_match_products_and_their_variants(shop):
    attribute("colour", "choice", ["Red", "Blue", "Green"])
    attribute("material", "multi_choice", ["Cotton", "Wool"])
    attribute("waterproof", "boolean")
    attribute("length", "number", unit="cm")
    attribute("fit", "text")
    scarf = product("Scarf", variants=[{"sku": "SC-R", "price": Decimal("9")}])
    services.set_attribute_values(
        owner=scarf, values={"material": ["cotton", "wool"], "length": "180", "fit": "Loose"}
    )
    services.set_attribute_values(owner=scarf.variants.get(sku="SC-R"), values={"colour": "red"})
    coat = product("Coat", variants=[{"sku": "CO-B", "price": Decimal("90")}])
    services.set_attribute_values(owner=coat, values={"waterproof": True, "length": "95.5"})
    services.set_attribute_values(owner=coat.variants.get(sku="CO-B"), values={"colour": "blue"})
    product("Plain Hat")

    assert names(shop, **{"attr.colour": "red"}) == ["Scarf"]  # on a variant
    assert names(shop, **{"attr.colour": "red,blue"}) == ["Coat", "Scarf"]  # either value
    assert names(shop, **{"attr.colour": "blue", "attr.waterproof": "true"}) == ["Coat"]
    assert names(shop, **{"attr.colour": "red", "attr.waterproof": "true"}) == []  # both
    assert names(shop, **{"attr.material": "wool"}) == ["Scarf"]
    assert names(shop, **{"attr.length": "180.00"}) == ["Scarf"]  # numbers compare as numbers
    assert names(shop, **{"attr.length": "95.50"}) == ["Coat"]
    assert names(shop, **{"attr.fit": "Loose"}) == ["Scarf"]
    assert shop.get("/api/v1/shop/products/scarf/").json()["attributes"] == {
        "fit": "Loose",
        "length": "180",
        "material": ["cotton", "wool"],
    }
    assert names(shop, **{"attr.colour": "purple"}) == []  # no such option: nothing matches
    assert names(shop, **{"attr.colour": ""}) == ["Coat", "Plain Hat", "Scarf"]  # no filter

    bad = shop.get("/api/v1/shop/products/", {"attr.length": "long", "attr.size": "m"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {
        "attr.length": ["Invalid value for a Number."],
        "attr.size": ["Unknown attribute."],
    }


def test_attribute_filters_follow_value_changes_and_survive_renamed_slugs(shop):
    colour = attribute("colour", "choice", ["Red", "Blue"])
    shirt = product("Shirt")
    services.set_attribute_values(owner=shirt, values={"colour": "red"})
    assert names(shop, **{"attr.colour": "red"}) == ["Shirt"]

    services.set_attribute_values(owner=shirt, values={"colour": "blue"})
    assert names(shop, **{"attr.colour": "red"}) == []
    assert names(shop, **{"attr.colour": "blue"}) == ["Shirt"]

    AttributeOption.objects.filter(attribute=colour, slug="blue").update(slug="navy")
    assert names(shop, **{"attr.colour": "navy"}) == ["Shirt"]

    services.set_attribute_values(owner=shirt, values={"colour": None})
    assert names(shop, **{"attr.colour": "navy"}) == []


def test_admin_edits_show_on_the_storefront(shop, owner):
    made = product("Teapot", variants=[{"sku": "TP-1", "price": Decimal("30.00")}])
    variant = made.variants.get()
    form = {
        "name": "Teapot",
        "slug": "teapot",
        "description": "",
        "status": "active",
        "visible_b2c": "on",
        "visible_b2b": "on",
        "seo_title": "",
        "seo_description": "",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-id": str(variant.pk),
        "variants-0-product": str(made.pk),
        "variants-0-sku": "TP-1",
        "variants-0-name": "",
        "variants-0-position": "0",
        "variants-0-options": "{}",
        "variants-0-quantity_min": "1",
        "variants-0-quantity_step": "1",
        "variants-0-price": "26.00",
        "variants-0-stock_policy": "deny",
        "variants-0-low_stock_threshold": "0",
    }
    response = owner.post(reverse("admin:catalog_product_change", args=[made.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert card(shop, "teapot")["price_from"] == "26.00"
    assert card(shop, "teapot")["variants"][0]["price"] == "26.00"

    owner.post(reverse("admin:catalog_product_delete", args=[made.pk]), {"post": "yes"})
    assert not Product.objects.filter(pk=made.pk).exists()
    assert shop.get("/api/v1/shop/products/teapot/").status_code == 404


def test_an_imported_catalog_shows_on_the_storefront_at_once(
    shop, owner, celery_eager, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = (
        "product_slug,product_name,status,sku,price,stock_on_hand\n"
        "lamp,Lamp,active,L-1,30,0\nlamp,Lamp,active,L-2,35,4\nmat,Mat,active,M-1,9,0\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            "/api/v1/catalog/imports/",
            {"file": SimpleUploadedFile("rows.csv", rows.encode()), "dry_run": "false"},
        )
    lamp = card(shop, "lamp")
    assert [(v["sku"], v["price"], v["in_stock"]) for v in lamp["variants"]] == [
        ("L-1", "30.00", False),
        ("L-2", "35.00", True),
    ]
    assert (lamp["price_from"], lamp["in_stock"]) == ("30.00", True)
    assert card(shop, "mat")["in_stock"] is False


def test_the_repair_command_rewrites_only_summaries_changed_behind_the_catalogs_back(
    shop, store_a, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    from catalog.events import products_changed

    product("Lamp", price="30.00")
    broken = product("Rug", price="80.00")
    Product.objects.filter(pk=broken.pk).update(min_price=Decimal("1.00"), listing={})
    assert card(shop, "rug")["price_from"] == "1.00"

    announced = []

    def receiver(sender, product_ids, **kwargs):
        announced.extend(product_ids)

    products_changed.connect(receiver)
    out = io.StringIO()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("refresh_catalog_summaries", "--store", store_a.slug, stdout=out)
    finally:
        products_changed.disconnect(receiver)
    connection.set_tenant(store_a)

    assert out.getvalue().strip() == f"{store_a.slug}: 1 of 2 products were out of date"
    assert announced == [broken.pk]
    assert card(shop, "rug")["price_from"] == "80.00"
    assert card(shop, "rug")["variants"][0]["price"] == "80.00"
