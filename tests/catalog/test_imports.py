"""Catalog import (dry run, report, commit, all or nothing, progress) and export."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from catalog import import_rows, imports, services
from catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    ImportJob,
    Product,
    ProductVariant,
    StockAdjustment,
)

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/catalog/imports/"
HEADER = (
    "product_slug,product_name,description,brand,categories,status,visible_b2c,visible_b2b,"
    "sku,price,b2b_price,compare_at_price,cost_price,stock_on_hand,options,attr.material,"
    "attr.weight"
)
GOOD_ROWS = [
    "tee,Organic tee,<p>Soft</p>,acme,clothes|tops,active,true,true,TEE-S,19.90,15.00,,8.00,5,"
    "size=S;colour=red,cotton,180",
    "tee,Organic tee,<p>Soft</p>,acme,clothes|tops,active,true,true,TEE-M,19.90,,25.00,,12,"
    "size=M;colour=red,cotton,180",
    "mug,Big mug,,,,draft,true,false,MUG-1,9.50,,,,0,,,",
]


@pytest.fixture
def catalog(in_store_a):
    """A brand, two categories and two attributes the rows refer to."""
    Brand.objects.create(name="Acme", slug="acme")
    clothes = services.create_category(name="Clothes")
    services.create_category(name="Tops", parent=clothes)
    material = Attribute.objects.create(code="material", name="Material", type="choice")
    for value in ("Cotton", "Wool"):
        AttributeOption.objects.create(attribute=material, value=value, slug=value.lower())
    Attribute.objects.create(code="weight", name="Weight", type="number", unit="g")


def csv_file(*rows: str, header: str = HEADER, name: str = "catalog.csv"):
    return SimpleUploadedFile(name, "\n".join([header, *rows]).encode(), content_type="text/csv")


@pytest.fixture
def send(owner, celery_eager, django_capture_on_commit_callbacks):
    """``send(file, dry_run=True)``: upload, let Celery run the job, return it as the API shows."""

    def upload(file, *, dry_run: bool = True) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            response = owner.post(IMPORTS, {"file": file, "dry_run": dry_run})
        assert response.status_code == 202, response.content
        return owner.get(f"{IMPORTS}{response.json()['id']}/").json()

    return upload


@pytest.fixture
def commit(owner, celery_eager, django_capture_on_commit_callbacks):
    def run(job_id: int):
        with django_capture_on_commit_callbacks(execute=True):
            response = owner.post(f"{IMPORTS}{job_id}/commit/")
        return response, owner.get(f"{IMPORTS}{job_id}/").json()

    return run


def test_a_dry_run_validates_every_row_and_writes_nothing(catalog, send):
    job = send(csv_file(*GOOD_ROWS))

    assert job["status"] == "validated", job["errors"]
    assert job["errors"] == []
    assert (job["total_rows"], job["processed_rows"], job["progress_percent"]) == (3, 3, 100)
    assert (job["products_created"], job["variants_created"]) == (2, 3)
    assert Product.objects.count() == 0
    assert ProductVariant.objects.count() == 0


def test_the_dry_run_reports_each_bad_row_field_by_field(catalog, send):
    rows = [
        GOOD_ROWS[0],
        "tee,Organic tee,,acme,,,,,TEE-M,-4,,,,2,size=M,,",
        "hat,Hat,,nobrand,clothes|shoes,sold,maybe,,HAT-1,abc,,,,-1,size,,",
        "cap,Cap,,,,,,,TEE-S,5,,,,,,,",
        ",,,,,,,,,,,,,,,,",
        "scarf,Scarf,,,,,,,SC-1,12,,,,,,silk,heavy",
    ]
    job = send(csv_file(*rows))

    assert job["status"] == "failed"
    reported = {(error["row"], error["field"]) for error in job["errors"]}
    assert reported == {
        (3, "price"),
        (4, "status"),
        (4, "visible_b2c"),
        (4, "price"),
        (4, "stock_on_hand"),
        (4, "options"),
        (5, "sku"),
        (6, "product_slug"),
        (6, "product_name"),
        (7, "attr.material"),
        (7, "attr.weight"),
    }
    messages = {(error["row"], error["field"]): error["message"] for error in job["errors"]}
    assert messages[(5, "sku")] == "SKU 'TEE-S' is already on row 2."
    assert "choose from: Cotton, Wool" in messages[(7, "attr.material")]
    assert [error["row"] for error in job["errors"]] == sorted(
        error["row"] for error in job["errors"]
    )
    assert Product.objects.count() == 0


def test_unknown_brand_and_categories_are_reported(catalog, send):
    job = send(csv_file("hat,Hat,,nobrand,clothes|shoes,,,,HAT-1,5,,,,,,,"))
    assert {(error["field"], error["message"]) for error in job["errors"]} == {
        ("brand", "Unknown brand 'nobrand'."),
        ("categories", "Unknown categories: shoes."),
    }


def test_commit_after_a_clean_dry_run_writes_products_through_the_services(
    catalog, send, commit, store_a
):
    job = send(csv_file(*GOOD_ROWS))
    response, job = commit(job["id"])

    assert response.status_code == 202
    assert job["status"] == "done", job["errors"]
    assert (job["products_created"], job["variants_created"]) == (2, 3)
    connection.set_tenant(store_a)
    tee = Product.objects.get(slug="tee")
    assert (tee.name, tee.brand.slug, tee.status) == ("Organic tee", "acme", "active")
    assert sorted(tee.categories.values_list("slug", flat=True)) == ["clothes", "tops"]
    small = tee.variants.get(sku="TEE-S")
    assert (small.price, small.b2b_price, small.cost_price) == (
        Decimal("19.90"),
        Decimal("15.00"),
        Decimal("8.00"),
    )
    assert small.options == {"size": "S", "colour": "red"}
    assert small.stock_on_hand == 5
    adjustment = StockAdjustment.objects.get(variant=small)
    assert (adjustment.reason, adjustment.actor) == ("import", "owner@store-a.test")
    values = {value.attribute.code: value for value in tee.attribute_values.all()}
    assert values["weight"].number == Decimal("180")
    assert [option.slug for option in values["material"].options.all()] == ["cotton"]
    mug = Product.objects.get(slug="mug")
    assert (mug.visible_b2c, mug.visible_b2b, mug.status) == (True, False, "draft")


def test_a_failed_import_commits_nothing_not_even_its_good_rows(catalog, send):
    job = send(csv_file(*GOOD_ROWS, "bad,Bad,,,,,,,BAD-1,-1,,,,,,,"), dry_run=False)

    assert job["status"] == "failed"
    assert job["errors"] == [{"row": 5, "field": "price", "message": job["errors"][0]["message"]}]
    assert Product.objects.count() == 0
    assert StockAdjustment.objects.count() == 0


def test_an_error_found_while_writing_rolls_everything_back(catalog, send):
    # The SKU is free in the file but the second product's attribute is of the wrong type:
    # only the services know, and they refuse after the first product was written.
    rows = [GOOD_ROWS[0], "hat,Hat,,,,,,,HAT-1,5,,,,,,,heavy"]
    job = send(csv_file(*rows), dry_run=False)

    assert job["status"] == "failed"
    assert [(error["row"], error["field"]) for error in job["errors"]] == [(3, "attr.weight")]
    assert not Product.objects.filter(slug="tee").exists()


def test_only_a_clean_dry_run_can_be_committed(catalog, send, commit):
    job = send(csv_file("bad,Bad,,,,,,,BAD-1,-1,,,,,,,"))
    response, after = commit(job["id"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "import_not_validated"
    assert after["status"] == "failed"

    job = send(csv_file(*GOOD_ROWS))
    commit(job["id"])
    response, _ = commit(job["id"])
    assert response.status_code == 409  # done already: not twice


def test_the_uploaded_file_is_kept_until_its_job_is_over(catalog, send, commit, media_root):
    def stored_imports() -> list[str]:
        return [path.name for path in media_root.rglob("imports/*")]

    job = send(csv_file(*GOOD_ROWS))
    assert job["status"] == "validated"
    assert len(stored_imports()) == 1  # the commit reads it again
    _, job = commit(job["id"])
    assert job["status"] == "done"
    assert stored_imports() == []

    failed = send(csv_file("bad,Bad,,,,,,,BAD-1,-1,,,,,,,"))
    assert failed["status"] == "failed"
    assert stored_imports() == []


def test_import_updates_existing_products_and_variants_by_slug_and_sku(catalog, send, store_a):
    product = services.create_product(
        data={"name": "Old tee", "slug": "tee"},
        variants=[{"sku": "TEE-S", "price": Decimal("10.00"), "stock_on_hand": 1}],
    )
    job = send(csv_file(*GOOD_ROWS[:2]), dry_run=False)

    assert job["status"] == "done", job["errors"]
    assert (job["products_updated"], job["variants_updated"], job["variants_created"]) == (1, 1, 1)
    connection.set_tenant(store_a)
    product.refresh_from_db()
    assert product.name == "Organic tee"
    assert product.variants.get(sku="TEE-S").price == Decimal("19.90")
    assert product.variants.get(sku="TEE-S").stock_on_hand == 5
    assert product.variants.count() == 2


def test_a_sku_of_another_product_is_refused(catalog, send):
    services.create_product(
        data={"name": "Cap", "slug": "cap"}, variants=[{"sku": "TEE-S", "price": "3.00"}]
    )
    job = send(csv_file(GOOD_ROWS[0]))
    assert job["errors"] == [
        {"row": 2, "field": "sku", "message": "SKU 'TEE-S' belongs to product 'cap'."}
    ]


def test_json_files_are_imported_too(catalog, send):
    rows = [
        {"product_slug": "lamp", "product_name": "Lamp", "sku": "LAMP-1", "price": 30,
         "stock_on_hand": 3, "visible_b2b": False, "attr.material": "wool"},
    ]  # fmt: skip
    file = SimpleUploadedFile("rows.json", json.dumps(rows).encode(), "application/json")
    job = send(file, dry_run=False)
    assert job["status"] == "done", job["errors"]
    lamp = Product.objects.get(slug="lamp")
    assert lamp.visible_b2b is False
    assert lamp.variants.get().stock_on_hand == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rows.json", b"{not json", "not valid JSON"),
        ("rows.json", b'{"product_slug": "x"}', "must be a list"),
        ("rows.csv", b"name,price\nx,1", "product_slug"),
        ("rows.csv", b"\xff\xfe\x00bad", "UTF-8"),
    ],
)
def test_an_unreadable_file_fails_the_job_with_a_clear_message(
    catalog, send, name, content, message
):
    job = send(SimpleUploadedFile(name, content))
    assert job["status"] == "failed"
    assert job["errors"][0]["field"] == "file"
    assert message in job["errors"][0]["message"]


def test_a_file_that_is_not_csv_or_json_is_refused_and_no_job_is_made(catalog, owner):
    response = owner.post(IMPORTS, {"file": SimpleUploadedFile("rows.xlsx", b"PK...")})
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(catalog, owner, settings):
    settings.CATALOG_IMPORT_MAX_BYTES = 100
    response = owner.post(IMPORTS, {"file": csv_file(*GOOD_ROWS)})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"] == ["The limit is 100 bytes."]
    assert ImportJob.objects.count() == 0


def test_progress_is_read_live_while_a_job_runs(catalog, owner):
    job = ImportJob.objects.create(
        file=csv_file(*GOOD_ROWS), format="csv", status="importing", total_rows=400
    )
    cache.set(imports._progress_key(job.pk), 100)
    body = owner.get(f"{IMPORTS}{job.pk}/").json()
    assert (body["status"], body["processed_rows"], body["progress_percent"]) == (
        "importing",
        100,
        25,
    )


def test_large_imports_report_progress_as_they_go(catalog, in_store_a, monkeypatch):
    seen = []
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(cache, "set", lambda key, value, **kwargs: seen.append(value))
    rows = [
        {"#": number, "product_slug": f"p{number}", "product_name": "P", "sku": f"S{number}",
         "price": "1"}
        for number in range(2, 12)
    ]  # fmt: skip
    job = ImportJob.objects.create(file=csv_file(), format="csv", status="importing")
    imports.apply_rows(rows, report=imports.Report(), write=False, job=job)
    assert seen == [2, 4, 6, 8, 10]


def test_another_store_cannot_see_or_commit_an_import(catalog, send, store_b, store_owner_client):
    job = send(csv_file(*GOOD_ROWS))
    owner_b = store_owner_client(store_b)
    assert owner_b.get(f"{IMPORTS}{job['id']}/").status_code == 404
    assert owner_b.post(f"{IMPORTS}{job['id']}/commit/").status_code == 404
    assert owner_b.get(IMPORTS).json()["count"] == 0


# --- Export ------------------------------------------------------------------------------------


def test_export_streams_every_variant_in_the_import_columns(catalog, send, owner):
    send(csv_file(*GOOD_ROWS), dry_run=False)

    response = owner.get("/api/v1/catalog/export/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="catalog.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["sku"] for row in rows] == ["TEE-S", "TEE-M", "MUG-1"]
    assert rows[0] | {"description": ""} == {
        **dict.fromkeys(import_rows.COLUMNS, ""),
        "product_slug": "tee",
        "product_name": "Organic tee",
        "brand": "acme",
        "categories": "clothes|tops",
        "status": "active",
        "visible_b2c": "true",
        "visible_b2b": "true",
        "sku": "TEE-S",
        "currency": "USD",  # the store's: an import into a store of another currency refuses it
        "price": "19.90",
        "b2b_price": "15.00",
        "cost_price": "8.00",
        "stock_on_hand": "5",
        "quantity_min": "1",
        "quantity_step": "1",
        "options": "size=S;colour=red",
        "attr.material": "cotton",
        "attr.weight": "180",
    }


def test_an_export_imports_back_unchanged(catalog, send, owner):
    send(csv_file(*GOOD_ROWS), dry_run=False)
    before = b"".join(owner.get("/api/v1/catalog/export/?format=csv"))
    for file_format in ("csv", "json"):
        exported = b"".join(owner.get(f"/api/v1/catalog/export/?format={file_format}"))
        job = send(SimpleUploadedFile(f"again.{file_format}", exported), dry_run=False)
        assert job["status"] == "done", job["errors"]
        assert (job["products_updated"], job["variants_updated"]) == (2, 3)
    assert StockAdjustment.objects.filter(reason="import").count() == 2  # no change, none
    assert b"".join(owner.get("/api/v1/catalog/export/?format=csv")) == before


def test_export_as_json(catalog, send, owner):
    send(csv_file(*GOOD_ROWS), dry_run=False)
    response = owner.get("/api/v1/catalog/export/?format=json")
    assert response["Content-Type"] == "application/json"
    rows = json.loads(b"".join(response.streaming_content))
    assert [row["sku"] for row in rows] == ["TEE-S", "TEE-M", "MUG-1"]


def test_export_format_must_be_csv_or_json(owner, in_store_a):
    response = owner.get("/api/v1/catalog/export/?format=xml")
    assert response.status_code == 400
    assert "format" in response.json()["error"]["fields"]


def test_export_queries_do_not_grow_with_the_catalog(catalog, owner, django_assert_num_queries):
    def export():
        return b"".join(owner.get("/api/v1/catalog/export/").streaming_content)

    services.create_product(
        data={"name": "One"}, variants=[{"sku": "ONE", "price": "1"}], attributes={"weight": 1}
    )
    with django_assert_num_queries(QUERIES_FOR_EXPORT):
        export()
    for number in range(10):
        services.create_product(
            data={"name": f"P{number}"},
            variants=[{"sku": f"P{number}-{size}", "price": "1"} for size in "SML"],
            attributes={"weight": number},
        )
    with django_assert_num_queries(QUERIES_FOR_EXPORT):
        assert export().count(b"\n") == 1 + 1 + 30


# Store, session, user, membership, security policy, attribute codes, then per chunk of
# products: categories, variants, values, options; and the products themselves, read through
# one server-side cursor; no ``SET search_path``: the connection is already the store's
# (TENANT_LIMIT_SET_CALLS), and the store lookup reads public tables by their full names.
QUERIES_FOR_EXPORT = 11


def test_a_product_without_variants_exports_and_imports_back(catalog, owner, send):
    services.create_product(data={"name": "Coming soon", "slug": "soon", "description": "Later"})
    exported = b"".join(owner.get("/api/v1/catalog/export/").streaming_content)
    assert b"soon,Coming soon,Later,,,draft,true,true,,,,,,," in exported

    job = send(SimpleUploadedFile("back.csv", exported.replace(b"Later", b"Soon")), dry_run=False)

    assert job["status"] == "done", job["errors"]
    assert Product.objects.get(slug="soon").description == "Soon"
    assert ProductVariant.objects.count() == 0


# --- Hardening: formulas, unstorable numbers, NUL characters -----------------------------------

FORMULA_LIKE = {
    "eq": '=HYPERLINK("http://evil.test","Click")',
    "plus": "+1+2",
    "minus": "-20% off",
    "at": "@SUM(A1:A2)",
    "tab": "\tTabbed",
    "cr": "\rReturned",
    "quoted": "'Til dawn",
    "plain": "Plain lamp",
}


def test_the_csv_export_quotes_cells_a_spreadsheet_would_run_as_formulas(catalog, owner):
    for slug, text in FORMULA_LIKE.items():
        services.create_product(
            data={"name": text, "slug": slug, "description": text},
            variants=[{"sku": f"{slug.upper()}-1", "price": "1", "options": {"note": text}}],
        )
    services.create_product(
        data={"name": "Backorder", "slug": "backorder"},
        variants=[{"sku": "BO-1", "price": "1", "stock_policy": "backorder"}],
    )
    services.update_variant(
        variant=ProductVariant.objects.get(sku="BO-1"), data={"stock_on_hand": -3}
    )

    exported = b"".join(owner.get("/api/v1/catalog/export/").streaming_content).decode()
    rows = {row["product_slug"]: row for row in csv.DictReader(io.StringIO(exported))}

    for slug, text in FORMULA_LIKE.items():
        expected = text if slug == "plain" else "'" + text
        assert rows[slug]["product_name"] == expected
        assert rows[slug]["description"] == expected
    assert rows["minus"]["options"] == "note=-20% off"  # starts with "n": harmless
    assert rows["backorder"]["stock_on_hand"] == "-3"  # a plain number is no formula


def test_a_csv_export_with_formula_like_text_imports_back_unchanged(catalog, owner, send):
    for slug, text in FORMULA_LIKE.items():
        services.create_product(
            data={"name": text, "slug": slug, "description": text},
            variants=[{"sku": f"{slug.upper()}-1", "price": "1"}],
        )
    before = {slug: (text, text) for slug, text in FORMULA_LIKE.items()}
    exported = b"".join(owner.get("/api/v1/catalog/export/").streaming_content)
    Product.objects.all().delete()

    job = send(SimpleUploadedFile("back.csv", exported), dry_run=False)

    assert job["status"] == "done", job["errors"]
    after = {product.slug: (product.name, product.description) for product in Product.objects.all()}
    assert after == before
    assert b"".join(owner.get("/api/v1/catalog/export/").streaming_content) == exported


@pytest.mark.parametrize("price", ["1e999", "nan", "inf", "-inf", "1e-999", "-0.01", "1.001"])
def test_an_unstorable_price_is_a_row_error_not_a_crash(catalog, send, price):
    job = send(csv_file(GOOD_ROWS[2].replace("9.50", price)))

    assert job["status"] == "failed"
    assert [(error["row"], error["field"]) for error in job["errors"]] == [(2, "price")]


def test_a_stock_level_beyond_the_column_is_a_row_error(catalog, send):
    job = send(csv_file(GOOD_ROWS[2].replace(",0,,,", ",99999999999,,,")))

    assert job["status"] == "failed"
    assert [(error["row"], error["field"]) for error in job["errors"]] == [(2, "stock_on_hand")]


def test_a_number_attribute_beyond_its_column_is_a_row_error(catalog, send):
    job = send(csv_file(GOOD_ROWS[0].replace(",cotton,180", ",cotton,1e30")), dry_run=False)

    assert job["status"] == "failed"
    assert [(error["row"], error["field"]) for error in job["errors"]] == [(2, "attr.weight")]


@pytest.mark.parametrize("column", ["product_slug", "product_name", "brand", "categories", "sku"])
def test_a_nul_character_in_a_cell_is_a_row_error(catalog, send, column):
    row = dict(zip(HEADER.split(","), next(csv.reader([GOOD_ROWS[0]])), strict=True))
    row[column] = row[column] + "\x00"
    job = send(SimpleUploadedFile("nul.json", json.dumps([row]).encode()))

    assert job["status"] == "failed"
    assert [(error["row"], error["field"]) for error in job["errors"]] == [(1, column)]
