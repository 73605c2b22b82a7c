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
            {"sku": "LIN-S", "price": "40.00", "b2b_price": "32.00", "stock": "7", "option_size": "s"},
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
