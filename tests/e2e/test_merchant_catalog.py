"""A merchant fills the catalog from the store admin in a browser, and shoppers see it."""

import secrets

from playwright.sync_api import BrowserContext, Page, expect

from tests.catalog.factories import image_bytes
from tests.e2e.browser import screenshot, sign_in
from tests.live_server import LivePlatform


def _catalog_setup(live: LivePlatform, store, suffix: str) -> dict:
    """A kind of product whose variants are chosen by finish, made through the catalog's
    services (the merchant makes the category in the browser)."""
    from catalog.models import ProductType
    from tests.catalog.factories import attribute

    with live.database(store):
        finish = attribute(f"finish-{suffix}", "choice", ["Brass", "Black"])
        lamps = ProductType.objects.create(name=f"Lamps {suffix}", slug=f"lamps-{suffix}")
        lamps.variant_attributes.add(finish)
        return {
            "category": f"Lamps {suffix}",
            "category_slug": f"lamps-{suffix}",
            "type": lamps.name,
            "finish": finish.code,
        }


def _create_category(page: Page, store, name: str) -> None:
    page.goto(f"{store.url}/admin/")
    page.get_by_role("button", name="Catalog").click()
    page.get_by_role("list", name="Catalog").get_by_role("link", name="Categories").click()
    expect(page).to_have_url(f"{store.url}/admin/categories/")
    page.get_by_role("link", name="Add category").first.click()
    page.locator("[name=name]").fill(name)
    page.get_by_label("Shown in the storefront").check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("row").filter(has_text=name)).to_have_count(1)
    screenshot(page, "merchant-catalog-category-created")


def test_owner_creates_a_product_with_variants_stock_and_an_image_shoppers_then_see(
    live: LivePlatform, context: BrowserContext, page: Page, tmp_path
):
    store = live.store_a
    suffix = secrets.token_hex(3)
    made = _catalog_setup(live, store, suffix)
    photo = tmp_path / "lamp.jpg"
    photo.write_bytes(image_bytes(size=(640, 480)))
    name = f"Arc floor lamp {suffix}"
    sign_in(context, store, "owner")
    _create_category(page, store, made["category"])

    page.goto(f"{store.url}/admin/")
    page.get_by_role("button", name="Catalog").click()
    page.get_by_role("list", name="Catalog").get_by_role("link", name="Products").click()
    expect(page).to_have_url(f"{store.url}/admin/products/")
    page.get_by_role("link", name="Add product").first.click()
    expect(page.get_by_text("What kind of product is it?")).to_be_visible()
    page.get_by_role("link", name=made["type"]).click()

    page.locator("[name=name]").fill(name)
    page.locator(".Draftail-Editor [contenteditable=true]").click()
    page.keyboard.type("A brass arc over the sofa.")
    page.get_by_label(made["category"]).check()
    page.get_by_label("Status").select_option("active")
    page.locator("[name=variants-0-sku]").fill(f"ARC-BR-{suffix}")
    page.locator(f"[name=variants-0-option_{made['finish']}]").select_option(label="Brass")
    page.locator("[name=variants-0-price]").fill("189.00")
    page.locator("[name=variants-0-b2b_price]").fill("150.00")
    page.locator("[name=variants-0-stock]").fill("12")
    page.get_by_role("button", name="Add a variant").click()
    page.locator("[name=variants-1-sku]").fill(f"ARC-BK-{suffix}")
    page.locator(f"[name=variants-1-option_{made['finish']}]").select_option(label="Black")
    page.locator("[name=variants-1-price]").fill("179.00")
    page.locator("[name=variants-1-stock]").fill("4")
    page.locator("[name=new_images-0-upload]").set_input_files(photo)
    page.locator("[name=new_images-0-alt_text]").fill("The lamp in a living room")
    screenshot(page, "merchant-catalog-product-form")
    page.get_by_role("button", name="Create product").click()

    expect(page.get_by_text(f"Product '{name}' created.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text(f"ARC-BR-{suffix}, ARC-BK-{suffix}")
    expect(row).to_contain_text("$179.00 to $189.00")
    expect(row).to_contain_text("In stock · 16 available")
    screenshot(page, "merchant-catalog-product-list")

    row.get_by_role("link", name=name).click()
    expect(page.locator("[name=name]")).to_have_value(name)
    expect(page.locator("[data-image-item]")).to_have_count(1)
    screenshot(page, "merchant-catalog-product-edit")
    page.locator("#images-heading").scroll_into_view_if_needed()
    screenshot(page, "merchant-catalog-product-edit-images")

    shop = store.client().get("/api/v1/shop/products/", params={"category": made["category_slug"]})
    assert shop.status_code == 200
    listed = {product["name"]: product for product in shop.json()["results"]}
    assert name in listed, list(listed)
    product = listed[name]
    assert product["in_stock"] is True
    assert product["price_from"] == "179.00"
    assert product["image"] is not None
    assert [variant["options"] for variant in product["variants"]] == [
        {made["finish"]: "Brass"},
        {made["finish"]: "Black"},
    ]
    assert all(variant["in_stock"] for variant in product["variants"])

    # Archived from the list's bulk actions, it leaves the shop.
    page.goto(f"{store.url}/admin/products/?q={suffix}")
    row = page.get_by_role("row").filter(has_text=name)
    row.hover()
    row.get_by_role("checkbox").check()
    page.get_by_role("link", name="Archive the selected products").click()
    expect(page.get_by_text("Archive this product?")).to_be_visible()
    screenshot(page, "merchant-catalog-bulk-archive")
    page.get_by_role("button", name="Yes, archive").click()
    expect(page.get_by_text("1 product archived.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("Archived")
    shop = store.client().get("/api/v1/shop/products/", params={"category": made["category_slug"]})
    assert name not in [product["name"] for product in shop.json()["results"]]
