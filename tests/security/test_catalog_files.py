"""Item 9 (CSV formula injection in the catalog export) and item 20 (an import cell that
overflows a decimal is a row error)."""

import csv
import io
import secrets

import pytest

from tests.security.conftest import wait_for_import

FORMULAS = [
    '=HYPERLINK("http://evil.example/","Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def formula_products(live_platform) -> dict[str, str]:
    """Products of store A whose names a spreadsheet would run as formulas: slug -> name."""
    owner = live_platform.store_a.client("owner")
    made = {}
    for number, name in enumerate(FORMULAS):
        slug = f"formula-{number}-{secrets.token_hex(3)}"
        answer = owner.post(
            "/api/v1/catalog/products/",
            json={
                "name": name,
                "slug": slug,
                "status": "active",
                "variants": [{"sku": f"F-{slug}", "price": "1.00"}],
            },
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["name"] == name
        made[slug] = name
    return made


def export_csv(store) -> str:
    answer = store.client("owner").get("/api/v1/catalog/export/?format=csv")
    assert answer.status_code == 200
    return answer.text


def upload(store, content: str, *, dry_run: bool) -> dict:
    owner = store.client("owner")
    answer = owner.post(
        "/api/v1/catalog/imports/",
        files={"file": ("catalog.csv", content.encode(), "text/csv")},
        data={"dry_run": "true" if dry_run else "false"},
    )
    assert answer.status_code == 202, answer.text
    return wait_for_import(owner, answer.json()["id"])


def test_the_csv_export_neutralises_cells_a_spreadsheet_would_run(store_a, formula_products):
    rows = list(csv.DictReader(io.StringIO(export_csv(store_a))))
    exported = {row["product_slug"]: row["product_name"] for row in rows}

    assert {
        slug: exported[slug] for slug in formula_products if exported[slug].startswith(TRIGGERS)
    } == {}


def test_the_csv_export_imports_back_with_the_names_unchanged(store_a, formula_products):
    owner = store_a.client("owner")
    validated = upload(store_a, export_csv(store_a), dry_run=True)
    assert (validated["status"], validated["errors"]) == ("validated", [])

    committed = wait_for_import(
        owner, owner.post(f"/api/v1/catalog/imports/{validated['id']}/commit/").json()["id"]
    )

    assert (committed["status"], committed["errors"]) == ("done", [])
    shop = store_a.client()
    names = {
        slug: shop.get(f"/api/v1/shop/products/{slug}/").json()["name"] for slug in formula_products
    }
    assert names == formula_products


def test_an_import_price_that_overflows_is_a_row_error(store_a):
    content = "product_slug,product_name,sku,price\nfine,Fine,FINE-1,5.00\nhuge,Huge,HUGE-1,1e999\n"

    job = upload(store_a, content, dry_run=True)

    assert job["status"] == "failed"
    assert [(error["row"], error["field"]) for error in job["errors"]] == [(3, "price")]
