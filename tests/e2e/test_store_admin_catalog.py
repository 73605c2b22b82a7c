"""The store admin's catalog screens in a browser: the category tree's drag and drop, and a
stock adjustment from the inventory."""

import secrets

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browser import screenshot, sign_in
from tests.live_server import LivePlatform


def test_a_catalog_manager_drags_a_category_under_another(
    live: LivePlatform, context: BrowserContext, page: Page
):
    from catalog import services
    from catalog.models import Category

    store = live.store_a
    tag = secrets.token_hex(3)
    with live.database(store):
        garden = services.create_category(name=f"Garden {tag}")
        tools = services.create_category(name=f"Tools {tag}")
    sign_in(context, store, "catalog_manager")

    page.goto(f"{store.url}/admin/categories/")
    source = page.locator(f'tr[data-category-id="{tools.pk}"]')
    target = page.locator(f'tr[data-category-id="{garden.pk}"]')
    expect(source).to_have_attribute("data-category-depth", "1")
    source.drag_to(target)

    # The page reloads with Tools one level in, right under Garden.
    expect(page.locator(f'tr[data-category-id="{tools.pk}"]')).to_have_attribute(
        "data-category-depth", "2"
    )
    rows = page.locator("tr[data-category-id]")
    ids = [row.get_attribute("data-category-id") for row in rows.all()]
    assert ids.index(str(tools.pk)) == ids.index(str(garden.pk)) + 1
    screenshot(page, "store-admin-category-tree-after-drag")
    with live.database(store):
        assert Category.objects.get(pk=tools.pk).get_parent().pk == garden.pk


def test_a_catalog_manager_receives_stock_and_sees_it_in_the_history(
    live: LivePlatform, context: BrowserContext, page: Page
):
    store = live.store_a
    sku = store.products["mug"]["variants"][0]["sku"]
    sign_in(context, store, "catalog_manager")

    page.goto(f"{store.url}/admin/inventory/?q={sku}")
    row = page.locator(f'tr[data-sku="{sku}"]')
    before = int(row.locator("td").nth(2).inner_text())
    row.get_by_role("link", name=f"Adjust stock of {sku}").click()
    page.get_by_label("Add or remove (negative to remove)").check()
    page.get_by_label("Quantity").fill("7")
    page.get_by_label("Reason").select_option(label="Received")
    page.get_by_label("Note").fill("Delivery from the workshop")
    screenshot(page, "store-admin-stock-adjustment-form")
    page.get_by_role("button", name="Save the adjustment").click()

    expect(page.get_by_text(f"{sku}: {before + 7} on hand now.")).to_be_visible()
    first = page.locator("table.listing tbody tr").first
    expect(first).to_contain_text("+7")
    expect(first).to_contain_text("Delivery from the workshop")
    screenshot(page, "store-admin-stock-history")


def test_a_catalog_manager_imports_a_file_after_reading_its_dry_run(
    live: LivePlatform, context: BrowserContext, page: Page
):
    store = live.store_a
    tag = secrets.token_hex(3)
    rows = [
        "product_slug,product_name,status,sku,price,stock_on_hand",
        f"vase-{tag},Tall vase,active,VASE-{tag}-S,24.00,3",
        f"vase-{tag},Tall vase,active,VASE-{tag}-L,39.00,2",
    ]
    sign_in(context, store, "catalog_manager")

    page.goto(f"{store.url}/admin/import-export/")
    page.get_by_label("Catalog file").set_input_files(
        files=[{"name": "vases.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}]
    )
    page.get_by_role("button", name="Check the file").click()

    # The job page follows the worker's dry run and reloads with its report.
    expect(page.get_by_text("Every row passed: 2 rows would create 1 and update 0")).to_be_visible()
    screenshot(page, "store-admin-import-dry-run")
    page.get_by_role("button", name="Import these rows").click()
    expect(page.get_by_text("Imported 2 rows: 1 products created")).to_be_visible()
    screenshot(page, "store-admin-import-done")

    page.goto(f"{store.url}/admin/inventory/?q=VASE-{tag}")
    expect(page.locator("tr[data-sku]")).to_have_count(2)
    screenshot(page, "store-admin-inventory")
