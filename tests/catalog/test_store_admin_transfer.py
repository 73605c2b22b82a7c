"""The store admin's import & export: upload (a dry run), the report row by row, commit,
progress while the job runs, past imports, and the CSV and JSON exports."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from catalog import imports
from catalog.models import Brand, ImportJob, Product, ProductVariant
from tests.catalog.factories import make_product
from tests.catalog.store_admin_clients import EDITORS, admin_client, login_redirect

pytestmark = pytest.mark.django_db

TRANSFER = "/admin/import-export/"
DASHBOARD = "/admin/"
HEADER = "product_slug,product_name,brand,status,sku,price,stock_on_hand"
GOOD_ROWS = [
    "tee,Organic tee,acme,active,TEE-S,19.90,5",
    "tee,Organic tee,acme,active,TEE-M,19.90,12",
    "mug,Big mug,,draft,MUG-1,9.50,0",
]


def job_url(job) -> str:
    return f"{TRANSFER}imports/{job.pk}/"


def csv_file(*rows: str, name: str = "catalog.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([HEADER, *rows]).encode(), content_type="text/csv")


@pytest.fixture
def as_role(store_a):
    return lambda role: admin_client(store_a, role)


@pytest.fixture
def manager(as_role):
    return as_role("catalog_manager")


@pytest.fixture
def acme(store_a):
    connection.set_tenant(store_a)
    return Brand.objects.create(name="Acme", slug="acme")


@pytest.fixture
def upload(manager, celery_eager, django_capture_on_commit_callbacks):
    """``upload(file)``: send a file from the import page, let Celery run the dry run; the
    response (a redirect to the job's page) and the job."""

    def send(file):
        with django_capture_on_commit_callbacks(execute=True):
            response = manager.post(TRANSFER, {"file": file})
        job = ImportJob.objects.order_by("-pk").first()
        return response, job

    return send


@pytest.fixture
def commit(manager, celery_eager, django_capture_on_commit_callbacks):
    def send(job):
        with django_capture_on_commit_callbacks(execute=True):
            response = manager.post(f"{job_url(job)}commit/")
        return response, ImportJob.objects.get(pk=job.pk)

    return send


def running_job(total_rows: int = 400) -> ImportJob:
    """A job the worker is validating right now."""
    return ImportJob.objects.create(
        file="imports/running.csv",
        format="csv",
        status=ImportJob.Status.VALIDATING,
        total_rows=total_rows,
        created_by="owner@example.com",
    )


# --- Import ------------------------------------------------------------------------------------


def test_an_upload_is_a_dry_run_whose_page_says_what_a_commit_would_do(upload, manager, acme):
    response, job = upload(csv_file(*GOOD_ROWS))

    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    assert (job.dry_run, job.status, job.created_by) == (
        True,
        "validated",
        "catalog_manager@example.com",
    )
    assert not Product.objects.exists()
    page = manager.get(job_url(job))
    html = page.content.decode()
    assert "Every row passed: 3 rows would create 2 and update 0 products" in html
    assert f'action="{job_url(job)}commit/"' in html
    assert "data-import-progress-url" not in html  # nothing to follow: the job has ended


def test_committing_a_clean_dry_run_imports_the_rows(upload, commit, manager, acme):
    _, job = upload(csv_file(*GOOD_ROWS))

    response, job = commit(job)

    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    assert job.status == "done"
    assert sorted(ProductVariant.objects.values_list("sku", "stock_on_hand")) == [
        ("MUG-1", 0),
        ("TEE-M", 12),
        ("TEE-S", 5),
    ]
    html = manager.get(job_url(job)).content.decode()
    assert "Imported 3 rows: 2 products created" in html
    assert "commit/" not in html


def test_the_dry_run_report_lists_each_bad_row_and_offers_no_commit(upload, manager, acme):
    _, job = upload(
        csv_file(
            "tee,Organic tee,acme,active,TEE-S,cheap,5",
            "mug,Big mug,nobrand,draft,MUG-1,9.50,0",
        )
    )

    assert job.status == "failed"
    page = manager.get(job_url(job))
    errors = page.context["job"].errors
    assert [(error["row"], error["field"]) for error in errors] == [(2, "price"), (3, "brand")]
    html = page.content.decode()
    assert "2 problems, row by row" in html
    for error in errors:
        assert escape(error["message"]) in html
    assert "Some rows need fixing; nothing was written." in html
    assert "commit/" not in html


def test_a_failed_dry_run_cannot_be_committed(upload, commit, manager, acme):
    _, job = upload(csv_file("tee,Organic tee,acme,active,TEE-S,cheap,5"))

    response, job = commit(job)

    assert response.status_code == 302
    assert job.status == "failed"
    followed = manager.get(job_url(job))
    assert "Only a dry run that passed can be committed; this import is failed." in (
        followed.content.decode()
    )
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("catalog.xlsx", b"PK..."), "Upload a .csv or .json file."),
        (None, "This field is required."),
        (SimpleUploadedFile("empty.csv", b""), "The submitted file is empty."),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_next_to_the_field(
    upload, manager, file, message
):
    data = {"file": file} if file is not None else {}

    response = manager.post(TRANSFER, data)

    assert response.status_code == 200
    assert message in response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused(settings, manager):
    settings.CATALOG_IMPORT_MAX_BYTES = 10

    response = manager.post(TRANSFER, {"file": csv_file(*GOOD_ROWS)})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The limit is 10 bytes."]
    assert not ImportJob.objects.exists()


def test_a_running_job_shows_its_progress_and_is_followed(manager, store_a):
    connection.set_tenant(store_a)
    job = running_job()
    cache.set(imports._progress_key(job.pk), 200)

    page = manager.get(job_url(job))
    progress = manager.get(f"{job_url(job)}progress/")

    html = page.content.decode()
    assert f'data-import-progress-url="{job_url(job)}progress/"' in html
    assert "200 of 400 rows" in html
    assert 'value="200"' in html
    assert "catalog/store_admin/import_progress.js" in html
    assert progress.json() == {
        "status": "validating",
        "status_label": "Validating",
        "running": True,
        "processed_rows": 200,
        "total_rows": 400,
    }


def test_past_imports_are_listed_newest_first_in_constant_queries(manager, store_a):
    connection.set_tenant(store_a)
    running_job()

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = manager.get(TRANSFER)
        assert response.status_code == 200
        return len(queries)

    few = count_queries()
    for _ in range(15):
        running_job()
    assert count_queries() == few
    listed = manager.get(TRANSFER).context["page_obj"].object_list
    assert [job.pk for job in listed] == sorted((job.pk for job in listed), reverse=True)


# --- Export ------------------------------------------------------------------------------------


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_the_catalog_is_exported_as_csv_and_json(manager, store_a):
    connection.set_tenant(store_a)
    make_product("tee", skus=("TEE-S", "TEE-M"), stock=4)

    as_csv = manager.get(f"{TRANSFER}export/csv/")
    as_json = manager.get(f"{TRANSFER}export/json/")

    assert as_csv.status_code == 200
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv["Content-Disposition"] == 'attachment; filename="catalog.csv"'
    rows = list(csv.DictReader(io.StringIO(streamed(as_csv))))
    assert [(row["sku"], row["stock_on_hand"]) for row in rows] == [("TEE-S", "4"), ("TEE-M", "4")]
    assert as_json["Content-Disposition"] == 'attachment; filename="catalog.json"'
    assert [row["sku"] for row in json.loads(streamed(as_json))] == ["TEE-S", "TEE-M"]
    assert manager.get(f"{TRANSFER}export/xlsx/").status_code == 404


def test_the_page_offers_both_exports(manager):
    html = manager.get(TRANSFER).content.decode()

    assert f'href="{TRANSFER}export/csv/"' in html
    assert f'href="{TRANSFER}export/json/"' in html


# --- Who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_owner_and_catalog_manager_upload_and_commit(as_role, role, store_a):
    connection.set_tenant(store_a)
    job = ImportJob.objects.create(file="imports/x.csv", format="csv", status="validated")

    page = as_role(role).get(TRANSFER)
    job_page = as_role(role).get(job_url(job))

    assert page.status_code == 200
    assert 'type="file"' in page.content.decode()
    assert f"{job_url(job)}commit/" in job_page.content.decode()


def test_support_sees_imports_and_exports_but_cannot_upload_or_commit(as_role, store_a):
    connection.set_tenant(store_a)
    job = ImportJob.objects.create(file="imports/x.csv", format="csv", status="validated")
    support = as_role("support")

    page = support.get(TRANSFER)
    job_page = support.get(job_url(job))
    upload = support.post(TRANSFER, {"file": csv_file(*GOOD_ROWS)})
    commit = support.post(f"{job_url(job)}commit/")

    assert page.status_code == 200
    assert 'type="file"' not in page.content.decode()
    assert f'href="{TRANSFER}export/csv/"' in page.content.decode()
    assert job_page.status_code == 200
    assert "commit/" not in job_page.content.decode()
    assert (upload.status_code, commit.status_code) == (403, 403)
    assert ImportJob.objects.get(pk=job.pk).status == "validated"
    assert ImportJob.objects.count() == 1
    assert support.get(f"{TRANSFER}export/csv/").status_code == 200


def test_an_order_manager_is_refused_import_and_export(as_role, store_a):
    connection.set_tenant(store_a)
    job = ImportJob.objects.create(file="imports/x.csv", format="csv", status="validated")
    order_manager = as_role("order_manager")

    for url in (TRANSFER, job_url(job), f"{job_url(job)}progress/", f"{TRANSFER}export/csv/"):
        response = order_manager.get(url)
        assert (response.status_code, response["Location"]) == (302, DASHBOARD), url
    assert order_manager.post(TRANSFER, {"file": csv_file(*GOOD_ROWS)}).status_code == 403
    assert order_manager.post(f"{job_url(job)}commit/").status_code == 403
    assert ImportJob.objects.get(pk=job.pk).status == "validated"


def test_customers_and_strangers_are_sent_to_sign_in(as_role, store_client, store_a):
    for client in (as_role("customer"), store_client(store_a)):
        response = client.get(TRANSFER)
        assert (response.status_code, response["Location"]) == (302, login_redirect(TRANSFER))
        export = client.get(f"{TRANSFER}export/csv/")
        assert export.status_code == 302
        assert client.post(TRANSFER, {"file": csv_file(*GOOD_ROWS)}).status_code == 302
    assert not ImportJob.objects.exists()
