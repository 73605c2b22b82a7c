"""The store admin's product screens (Wagtail), through Django's test client, as staff use them.

Every write goes through the catalog's services, so what is checked here is what a merchant
sees: the list, its filters, search and bulk actions; the form with its variants, stock and
images; errors next to the fields with nothing typed lost; a stale form refused; each role.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.models import (
    Product,
    ProductImage,
    ProductType,
    ProductVariant,
    StockAdjustment,
)
from tests.catalog import factories
from tests.matrix import make_person

INDEX = "/admin/products/"
ADD = "/admin/products/new/"


def edit_url(product) -> str:
    return reverse("products:edit", args=[product.pk])


def inspect_url(product) -> str:
    return reverse("products:inspect", args=[product.pk])


@pytest.fixture
def signed_in(store_a, store_client):
    """``signed_in("support")``: a client of store A signed in as a person of that role; the
    test goes on in store A's schema."""

    def make(role: str):
        connection.set_tenant(store_a)
        person = make_person(role)
        client = store_client(store_a)
        client.force_login(person)
        return client

    return make


def draftail(text: str) -> str:
    """The content state Wagtail's rich text editor posts for one paragraph of ``text``."""
    import json

    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [{"offset": 0, "length": 4, "style": "BOLD"}],
                    "entityRanges": [],
                    "data": {},
                }
            ],
            "entityMap": {},
        }
    )


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def variant_fields(index: int, **values) -> dict:
    defaults = {
        "sku": "",
        "name": "",
        "price": "",
        "b2b_price": "",
        "compare_at_price": "",
        "cost_price": "",
        "stock": "0",
        "stock_reason": "received",
        "stock_policy": "deny",
        "low_stock_threshold": "0",
        "weight_grams": "",
        "barcode": "",
    }
    return {f"variants-{index}-{name}": value for name, value in {**defaults, **values}.items()}


def product_post(name="Linen shirt", *, variants=(), images=0, new_images=(), **fields) -> dict:
    data = {
        "name": name,
        "slug": "",
        "description": draftail("Soft linen, cut loose."),
        "status": "active",
        "visible_b2c": "on",
        "visible_b2b": "on",
        "seo_title": "",
        "seo_description": "",
        "brand": "",
        **management("variants", len(variants)),
        **management("images", images, images),
        **management("new_images", len(new_images)),
    }
    for index, variant in enumerate(variants):
        data.update(variant_fields(index, **variant))
    for index, upload in enumerate(new_images):
        data[f"new_images-{index}-upload"] = upload
        data[f"new_images-{index}-alt_text"] = f"Photo {index + 1}"
    data.update(fields)
    return data


# --- Creating a product through the screens ----------------------------------------------------


def test_owner_creates_a_product_with_two_variants_stock_and_an_image(owner, in_store_a):
    size = factories.attribute("size", "choice", ["S", "M", "L"])
    material = factories.attribute("material", "text")
    shirts = ProductType.objects.create(name="Shirts", slug="shirts")
    shirts.variant_attributes.add(size)
    shirts.product_attributes.add(material)
    category = services.create_category(name="Shirts")

    chooser = owner.get(ADD)
    assert chooser.status_code == 200
    assert "What kind of product is it?" in chooser.content.decode()
    page = owner.get(f"{ADD}?product_type={shirts.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="attribute_material"' in html
    assert '<select name="variants-0-option_size"' in html

    data = product_post(
        variants=[
            {
                "sku": "LIN-S",
                "price": "40.00",
                "b2b_price": "32.00",
                "stock": "7",
                "option_size": "s",
            },
            {"sku": "LIN-M", "price": "42.00", "stock": "3", "option_size": "m"},
        ],
        new_images=[factories.upload(factories.image_bytes())],
        attribute_material="Linen",
        categories=[str(category.pk)],
    )
    response = owner.post(f"{ADD}?product_type={shirts.pk}", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    product = Product.objects.get(name="Linen shirt")
    assert product.slug == "linen-shirt"
    assert product.product_type == shirts
    assert "<b>Soft</b> linen" in product.description
    assert list(product.categories.all()) == [category]
    small, medium = product.variants.order_by("position")
    assert (small.sku, small.price, small.b2b_price, small.stock_on_hand) == (
        "LIN-S",
        Decimal("40.00"),
        Decimal("32.00"),
        7,
    )
    assert small.options == {"size": "S"} and medium.options == {"size": "M"}
    assert medium.stock_on_hand == 3
    adjustments = StockAdjustment.objects.filter(variant__product=product)
    assert sorted(adjustments.values_list("delta", "reason", "actor")) == [
        (3, "received", "owner@store-a.test"),
        (7, "received", "owner@store-a.test"),
    ]
    image = product.images.get()
    assert image.alt_text == "Photo 1" and image.width == 800
    product.refresh_from_db()
    assert product.in_stock and product.min_price == Decimal("40.00")
    assert product.attribute_values.get().text == "Linen"


def test_the_form_without_a_product_type_takes_variants_without_options(owner, in_store_a):
    data = product_post(
        "Gift card", variants=[{"sku": "GIFT-25", "price": "25.00", "stock": "100"}]
    )
    response = owner.post(f"{ADD}?product_type=", data)

    assert response.status_code == 302
    variant = ProductVariant.objects.get(sku="GIFT-25")
    assert variant.options == {} and variant.stock_on_hand == 100


def test_errors_are_shown_next_to_the_fields_and_nothing_typed_is_lost(owner, in_store_a):
    factories.make_product("taken", skus=("DUP-1",))
    data = product_post(
        "Rain jacket",
        variants=[
            {"sku": "DUP-1", "price": "80.00"},
            {"sku": "JACKET-M", "price": "-3", "stock": "12"},
        ],
        slug="taken",
        seo_title="Best jacket",
    )
    response = owner.post(f"{ADD}?product_type=", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The product could not be created due to errors." in html
    assert "Product with this Slug already exists." in html
    assert "Product variant with this Sku already exists." in html
    assert "Ensure this value is greater than or equal to 0." in html
    # What was typed is still there.
    assert 'value="Rain jacket"' in html and 'value="Best jacket"' in html
    assert 'value="JACKET-M"' in html and 'value="12"' in html
    assert not Product.objects.filter(name="Rain jacket").exists()


def test_a_duplicate_sku_found_by_the_service_is_shown_on_that_variant(owner, in_store_a):
    # Two variants of the form with the same SKU: the form checks each against the database,
    # the service refuses the second, and the whole save rolls back.
    data = product_post(
        "Scarf",
        variants=[{"sku": "SCARF", "price": "10.00"}, {"sku": "SCARF", "price": "11.00"}],
    )
    response = owner.post(f"{ADD}?product_type=", data)

    assert response.status_code == 200
    assert "Please correct the duplicate data for sku" in response.content.decode()
    assert not Product.objects.filter(name="Scarf").exists()


def test_bad_numbers_and_a_broken_description_are_field_errors_not_500s(owner, in_store_a):
    data = product_post(
        "Socks",
        variants=[
            {"sku": "SOCK", "price": "1e400", "stock": "99999999999", "low_stock_threshold": "-1"}
        ],
        description="{not json",
    )
    response = owner.post(f"{ADD}?product_type=", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The description could not be read; type it again." in html
    assert "Ensure this value is less than or equal to 1000000000." in html
    assert "Ensure this value is greater than or equal to 0." in html
    assert not Product.objects.filter(name="Socks").exists()


def test_an_image_that_is_not_one_is_refused_next_to_its_field(owner, in_store_a):
    data = product_post(
        "Mug",
        variants=[{"sku": "MUG", "price": "9.00"}],
        new_images=[factories.upload(b"not an image", "mug.jpg")],
    )
    response = owner.post(f"{ADD}?product_type=", data)

    assert response.status_code == 200
    assert "The file is not an image, or it is damaged." in response.content.decode()
    assert not Product.objects.filter(name="Mug").exists()


def test_the_plan_limit_is_explained_with_a_link_to_billing(owner, in_store_a):
    from tenants.models import Plan

    free = Plan.objects.get(code="free")
    in_store_a.plan = free
    in_store_a.plan_is_complimentary = True
    in_store_a.save()
    for number in range(free.max_products - Product.objects.count()):
        factories.product(f"Filler {number}")
    warned = owner.get(f"{ADD}?product_type=").content.decode()
    assert "Upgrade your plan on the Billing page" in warned
    response = owner.post(
        f"{ADD}?product_type=", product_post("One too many", variants=[{"sku": "X1", "price": "1"}])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("store_billing")}"' in html
    assert "Upgrade your plan on the Billing page" in html
    assert 'value="One too many"' in html
    assert not Product.objects.filter(name="One too many").exists()


# --- Editing -----------------------------------------------------------------------------------


def _edit_data(page_html: str, product, **changes) -> dict:
    """The edit form as the browser would post it back, with ``changes``."""
    import re

    version = re.search(r'name="version" value="([^"]+)"', page_html)[1]
    variants = list(product.variants.order_by("position"))
    images = list(product.images.order_by("position"))
    data = product_post(
        product.name,
        description=draftail("Soft linen, cut loose."),
        status=product.status,
        version=version,
        slug=product.slug,
        **management("variants", len(variants), len(variants)),
        **management("images", len(images), len(images)),
    )
    for index, variant in enumerate(variants):
        data.update(
            variant_fields(index, sku=variant.sku, price=str(variant.price), id=str(variant.pk))
        )
    for index, image in enumerate(images):
        data[f"images-{index}-id"] = str(image.pk)
        data[f"images-{index}-alt_text"] = image.alt_text
        data[f"images-{index}-position"] = str(index)
    data.update(changes)
    return data


def _with_images(count: int) -> Product:
    from catalog import images

    product = factories.make_product("lamp", skus=("LAMP-1", "LAMP-2"), stock=5)
    for number in range(count):
        images.add_product_image(
            product=product,
            upload=factories.upload(factories.image_bytes()),
            alt_text=f"View {number}",
        )
    return product


def test_owner_edits_prices_stock_alt_text_and_image_order(
    owner, in_store_a, django_capture_on_commit_callbacks
):
    product = _with_images(2)
    first, second = product.images.order_by("position")
    page = owner.get(edit_url(product))
    assert page.status_code == 200
    data = _edit_data(
        page.content.decode(),
        product,
        **{
            "variants-0-price": "25.50",
            "variants-0-stock": "-2",
            "variants-0-stock_reason": "damaged",
            "variants-1-DELETE": "on",
            "images-0-alt_text": "The lamp, lit",
            "images-0-position": "1",
            "images-1-position": "0",
        },
    )
    response = owner.post(edit_url(product), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    variant = product.variants.get()
    assert (variant.sku, variant.price, variant.stock_on_hand) == ("LAMP-1", Decimal("25.50"), 3)
    adjustment = variant.stock_adjustments.first()
    assert (adjustment.delta, adjustment.reason) == (-2, "damaged")
    assert list(product.images.order_by("position").values_list("pk", "alt_text")) == [
        (second.pk, "View 1"),
        (first.pk, "The lamp, lit"),
    ]


def test_the_up_and_down_buttons_reorder_images_without_javascript(owner, in_store_a):
    product = _with_images(2)
    first, second = product.images.order_by("position")
    page = owner.get(edit_url(product))
    data = _edit_data(page.content.decode(), product, move_image="1:up")

    moved = owner.post(edit_url(product), data)

    assert moved.status_code == 200  # the form again, in the new order, nothing saved yet
    html = moved.content.decode()
    assert html.index(f'value="{second.pk}"') < html.index(f'value="{first.pk}"')
    assert product.images.order_by("position").first() == first
    data.update({"images-0-position": "1", "images-1-position": "0"})
    data.pop("move_image")
    assert owner.post(edit_url(product), data).status_code == 302
    assert product.images.order_by("position").first() == second


def test_deleting_an_image_from_the_form(owner, in_store_a, django_capture_on_commit_callbacks):
    product = _with_images(2)
    page = owner.get(edit_url(product))
    data = _edit_data(page.content.decode(), product, **{"images-0-DELETE": "on"})

    with django_capture_on_commit_callbacks(execute=False):
        assert owner.post(edit_url(product), data).status_code == 302

    assert list(product.images.values_list("alt_text", flat=True)) == ["View 1"]


def test_add_a_variant_without_javascript_keeps_what_was_typed(owner, in_store_a):
    data = product_post("Cap", variants=[{"sku": "CAP-1", "price": "12.00"}], add_variant="1")

    response = owner.post(f"{ADD}?product_type=", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="CAP-1"' in html and 'name="variants-1-sku"' in html
    assert not Product.objects.filter(name="Cap").exists()


def test_a_stale_form_is_refused_instead_of_overwriting(owner, in_store_a):
    product = factories.make_product("kettle", skus=("KET-1",), stock=1)
    page = owner.get(edit_url(product))
    # Meanwhile a colleague renames it.
    services.update_product(product=product, data={"name": "Kettle Deluxe"})

    data = _edit_data(page.content.decode(), product, name="Kettle (mine)")
    data["variants-0-price"] = "99.00"
    response = owner.post(edit_url(product), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this product after you opened it" in html
    assert 'value="Kettle (mine)"' in html
    product.refresh_from_db()
    assert product.name == "Kettle Deluxe"
    assert product.variants.get().price == Decimal("20.00")


def test_stock_sold_and_renditions_made_meanwhile_do_not_make_a_form_stale(owner, in_store_a):
    from catalog import images, inventory

    product = _with_images(1)
    page = owner.get(edit_url(product))
    inventory.adjust_stock(variant_id=product.variants.first().pk, delta=-1, reason="sold")
    images.generate_renditions(image_id=product.images.get().pk)

    data = _edit_data(page.content.decode(), product, name="Desk lamp")
    assert owner.post(edit_url(product), data).status_code == 302
    product.refresh_from_db()
    assert product.name == "Desk lamp"


def test_taking_stock_below_zero_is_refused_on_that_variant(owner, in_store_a):
    product = factories.make_product("vase", skus=("VASE-1",), stock=2)
    page = owner.get(edit_url(product))
    data = _edit_data(page.content.decode(), product, **{"variants-0-stock": "-5"})

    response = owner.post(edit_url(product), data)

    assert response.status_code == 200
    assert "VASE-1: stock cannot go below zero." in response.content.decode()
    assert product.variants.get().stock_on_hand == 2


def test_the_description_is_stored_sanitised(owner, in_store_a):
    data = product_post(
        "Poster",
        variants=[{"sku": "POSTER", "price": "5.00"}],
        description=draftail("<script>alert(1)</script> and more"),
    )
    assert owner.post(f"{ADD}?product_type=", data).status_code == 302

    description = Product.objects.get(name="Poster").description
    assert "<script>" not in description
    assert "&lt;/script&gt;" in description


# --- The list ----------------------------------------------------------------------------------


def _catalog(count: int, *, variants: int = 3) -> list[Product]:
    brand = factories.brand("Nordic")
    made = []
    for number in range(count):
        made.append(
            services.create_product(
                data={"name": f"Chair {number:03}", "status": "active", "brand": brand},
                variants=[
                    {"sku": f"CH{number}-{v}", "price": Decimal(10 + v), "stock_on_hand": v}
                    for v in range(variants)
                ],
            )
        )
    return made


def _index_queries(client, count: int) -> int:
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(INDEX)
    assert response.status_code == 200
    assert response.content.decode().count('class="bulk-action-checkbox"') == count
    return len(queries)


def test_the_list_query_count_does_not_grow_with_products_or_variants(owner, in_store_a):
    from catalog import images

    products = _catalog(5)
    images.add_product_image(
        product=products[0], upload=factories.upload(factories.image_bytes()), alt_text="x"
    )
    few = _index_queries(owner, 5)
    connection.set_tenant(in_store_a)
    _catalog_more = [
        services.create_product(
            data={"name": f"Table {number:03}", "status": "draft"},
            variants=[
                {"sku": f"TB{number}-{v}", "price": Decimal(5), "stock_on_hand": 1}
                for v in range(3)
            ],
        )
        for number in range(20)
    ]
    many = _index_queries(owner, 25)

    assert few == many


def test_the_list_shows_price_range_stock_status_and_channel(owner, in_store_a):
    product = _catalog(1)[0]
    services.update_product(product=product, data={"visible_b2b": False})

    html = owner.get(INDEX).content.decode()

    assert "Chair 000" in html
    assert "CH0-0, CH0-1, CH0-2" in html
    assert "$10.00 to $12.00" in html
    assert "In stock · 3 available" in html
    assert "Active" in html
    assert "B2C" in html and "B2C + B2B" not in html


def test_filters_by_category_subtree_brand_status_channel_and_stock(owner, in_store_a):
    home = services.create_category(name="Home")
    lamps = services.create_category(name="Lamps", parent=home)
    garden = services.create_category(name="Garden")
    lamp = factories.product("Floor lamp", categories=[lamps], brand_name="Lumen", stock=0)
    rake = factories.product("Rake", categories=[garden], status="draft", stock=3)
    low = services.create_product(
        data={"name": "Hose", "visible_b2c": False},
        variants=[
            {"sku": "HOSE", "price": Decimal(9), "stock_on_hand": 2, "low_stock_threshold": 5}
        ],
    )

    def names(query: str) -> set[str]:
        html = owner.get(f"{INDEX}?{query}").content.decode()
        return {name for name in ("Floor lamp", "Rake", "Hose") if f">{name}<" in html}

    assert names(f"category={home.pk}") == {"Floor lamp"}
    assert names(f"brand={lamp.brand_id}") == {"Floor lamp"}
    assert names("status=draft") == {"Rake", "Hose"}
    assert names("channel=b2c") == {"Floor lamp", "Rake"}
    assert names("channel=b2b") == {"Floor lamp", "Rake", "Hose"}
    assert names("stock=out") == {"Floor lamp"}
    assert names("stock=in") == {"Rake", "Hose"}
    assert names("stock=low") == {"Hose"}
    assert names("stock=nonsense") == {"Floor lamp", "Rake", "Hose"}
    assert rake and low


def test_search_by_name_and_by_sku(owner, in_store_a):
    factories.make_product("blue-teapot", skus=("TEA-BLUE",))
    factories.make_product("green-bowl", skus=("BOWL-77",))

    by_name = owner.get(f"{INDEX}?q=teapot").content.decode()
    by_sku = owner.get(f"{INDEX}?q=bowl-7").content.decode()

    assert "Blue Teapot" in by_name and "Green Bowl" not in by_name
    assert "Green Bowl" in by_sku and "Blue Teapot" not in by_sku


def test_the_list_exports_as_csv(owner, in_store_a):
    _catalog(2)

    response = owner.get(f"{INDEX}?export=csv")

    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "Name,SKUs,Price,Stock,Status,Channels,Brand"
    assert lines[1].split(",", 1) == [
        "Chair 000",
        '"CH0-0, CH0-1, CH0-2",$10.00 to $12.00,In stock · 3 available,Active,B2C + B2B,Nordic',
    ]
    assert response["Content-Disposition"] == 'attachment; filename="products.csv"'


def test_inspect_shows_variants_stock_and_images(owner, in_store_a):
    product = _with_images(1)

    html = owner.get(inspect_url(product)).content.decode()

    assert "LAMP-1" in html and "LAMP-2" in html
    assert "View 0" in html


# --- Bulk actions ------------------------------------------------------------------------------


def _bulk(action: str, products, **extra) -> str:
    ids = "&".join(f"id={product.pk}" for product in products)
    return f"/admin/bulk/catalog/product/{action}/?next={INDEX}&{ids}"


def test_bulk_publish_archive_move_and_delete(owner, in_store_a):
    first, second, third = (factories.product(name, status="draft") for name in "ABC")
    sale = services.create_category(name="Sale")

    confirm = owner.get(_bulk("publish", [first, second]))
    assert confirm.status_code == 200
    assert "Publish these 2 products?" in confirm.content.decode()
    assert owner.post(_bulk("publish", [first, second])).status_code == 302
    assert set(Product.objects.filter(status="active").values_list("name", flat=True)) == {"A", "B"}

    assert owner.post(_bulk("archive", [second])).status_code == 302
    assert Product.objects.get(pk=second.pk).status == "archived"

    moved = owner.post(_bulk("move_to_category", [first, third]), {"category": str(sale.pk)})
    assert moved.status_code == 302
    assert set(sale.products.values_list("name", flat=True)) == {"A", "C"}

    assert owner.post(_bulk("delete", [third])).status_code == 302
    assert not Product.objects.filter(pk=third.pk).exists()


def test_bulk_move_without_a_category_says_so(owner, in_store_a):
    product = factories.product("Lonely")

    response = owner.post(_bulk("move_to_category", [product]), {"category": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_bulk_actions_ignore_ids_that_are_not_numbers(owner, in_store_a):
    response = owner.post(
        "/admin/bulk/catalog/product/publish/?id=all&id=x1&id=99999999999999999999"
    )

    assert response.status_code == 302


# --- Who may do what ---------------------------------------------------------------------------


def test_the_catalog_menu_lists_products_for_catalog_staff(signed_in):
    html = signed_in("catalog_manager").get("/admin/").content.decode()

    assert "Catalog" in html and INDEX in html


def test_a_catalog_manager_lists_creates_and_edits(signed_in, in_store_a):
    client = signed_in("catalog_manager")
    product = factories.make_product("clock", skus=("CLOCK",))

    index = client.get(INDEX).content.decode()
    assert ADD in index and edit_url(product) in index
    created = client.post(
        f"{ADD}?product_type=", product_post("Watch", variants=[{"sku": "W1", "price": "50"}])
    )
    assert created.status_code == 302
    page = client.get(edit_url(product))
    assert page.status_code == 200
    edited = client.post(
        edit_url(product), _edit_data(page.content.decode(), product, name="Wall clock")
    )
    assert edited.status_code == 302
    assert Product.objects.get(pk=product.pk).name == "Wall clock"


def test_support_reads_the_list_and_inspect_only(signed_in, in_store_a):
    client = signed_in("support")
    product = factories.make_product("radio", skus=("RADIO",))

    index = client.get(INDEX)
    assert index.status_code == 200
    html = index.content.decode()
    assert "Radio" in html and inspect_url(product) in html
    assert ADD not in html and edit_url(product) not in html
    assert "bulk-action-checkbox" not in html
    assert client.get(inspect_url(product)).status_code == 200
    inspect = client.get(inspect_url(product)).content.decode()
    assert edit_url(product) not in inspect

    assert client.get(f"{ADD}?product_type=").status_code == 403
    assert client.get(edit_url(product)).status_code == 403
    refused_create = client.post(f"{ADD}?product_type=", product_post("Sneaky", variants=[]))
    assert refused_create.status_code == 403
    assert "Your role in this store does not let you do this." in refused_create.content.decode()
    assert client.post(edit_url(product), {"name": "Changed"}).status_code == 403
    assert client.post(reverse("products:delete", args=[product.pk])).status_code == 403
    assert client.post(_bulk("publish", [product])).status_code == 403
    assert client.post(_bulk("delete", [product])).status_code == 403
    assert Product.objects.get(pk=product.pk).name == "Radio"
    assert not Product.objects.filter(name="Sneaky").exists()


def test_an_order_manager_is_refused_the_product_screens(signed_in, in_store_a):
    client = signed_in("order_manager")
    product = factories.make_product("fan", skus=("FAN",))

    assert client.get(INDEX).status_code == 403
    assert client.get(inspect_url(product)).status_code == 403
    assert client.post(edit_url(product), {"name": "x"}).status_code == 403
    assert client.post(_bulk("archive", [product])).status_code == 403
    assert INDEX not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("role", ["customer", "company_buyer"])
def test_customers_are_sent_to_sign_in(signed_in, in_store_a, role):
    client = signed_in(role)
    product = factories.make_product("toy", skus=("TOY",))
    login = resolve_url(getattr(settings, "WAGTAILADMIN_LOGIN_URL", "wagtailadmin_login"))

    for path in (INDEX, edit_url(product)):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{login}?next={path}"
    assert client.post(edit_url(product), {"name": "x"}).status_code == 302
    assert Product.objects.get(pk=product.pk).name == "Toy"


def test_owner_deletes_a_product_from_its_page(owner, in_store_a):
    product = _with_images(1)

    response = owner.post(reverse("products:delete", args=[product.pk]))

    assert response.status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not ProductImage.objects.filter(product_id=product.pk).exists()


def test_typed_attributes_are_proper_inputs_and_come_back_on_edit(owner, in_store_a):
    weight = factories.attribute("weight", "number", unit="kg")
    waterproof = factories.attribute("waterproof", "boolean")
    colours = factories.attribute("colours", "multi_choice", ["Red", "Blue", "Green"])
    tents = ProductType.objects.create(name="Tents", slug="tents")
    tents.product_attributes.add(weight, waterproof, colours)
    url = f"{ADD}?product_type={tents.pk}"

    html = owner.get(url).content.decode()
    assert 'type="number" name="attribute_weight"' in html
    assert '<select name="attribute_waterproof"' in html
    assert 'type="checkbox" name="attribute_colours" value="blue"' in html
    refused = owner.post(
        url,
        product_post("Tent", variants=[{"sku": "TENT", "price": "99"}], attribute_weight="heavy"),
    )
    assert refused.status_code == 200
    assert "Enter a number." in refused.content.decode()

    data = product_post(
        "Tent",
        variants=[{"sku": "TENT", "price": "99"}],
        attribute_weight="2.5",
        attribute_waterproof="true",
        attribute_colours=["red", "green"],
    )
    assert owner.post(url, data).status_code == 302

    product = Product.objects.get(name="Tent")
    values = {value.attribute.code: value for value in product.attribute_values.all()}
    assert values["weight"].number == Decimal("2.5")
    assert values["waterproof"].boolean is True
    assert {option.value for option in values["colours"].options.all()} == {"Red", "Green"}
    edit = owner.get(edit_url(product)).content.decode()
    assert 'name="attribute_weight" value="2.5"' in edit
    assert '<option value="true" selected>Yes</option>' in edit
    assert 'value="green" id="id_attribute_colours_2" checked' in edit


def _edit_page_queries(client, product) -> int:
    variants = product.variants.count()
    store = connection.tenant
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(edit_url(product))
    assert response.status_code == 200
    connection.set_tenant(store)
    assert response.content.decode().count('name="variants-') > variants * 10
    return len(queries)


def test_the_edit_page_query_count_does_not_grow_with_variants(owner, in_store_a):
    size = factories.attribute("size", "choice", ["S", "M", "L", "XL"])
    colour = factories.attribute("colour", "choice", ["Red", "Blue"])
    tees = ProductType.objects.create(name="Tees", slug="tees")
    tees.variant_attributes.add(size, colour)

    def tee(slug: str, count: int) -> Product:
        return services.create_product(
            data={"name": slug, "slug": slug, "product_type": tees},
            variants=[
                {
                    "sku": f"{slug}-{number}",
                    "price": Decimal(10),
                    "attributes": {"size": ["s", "m", "l", "xl"][number % 4], "colour": "red"},
                }
                for number in range(count)
            ],
        )

    two, eight = tee("two", 2), tee("eight", 8)

    few, many = _edit_page_queries(owner, two), _edit_page_queries(owner, eight)
    assert few == many
