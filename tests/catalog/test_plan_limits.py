"""The plan's product limit holds on every path that adds products (API, import, Django admin),
all or nothing for a batch, and under concurrency."""

import threading
import time
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as accounts_services
from catalog import services
from catalog.models import Product
from tenants.limits import PlanLimitReached
from tenants.models import Plan, Tenant

from .factories import make_product

LIMIT_MESSAGE = "Your Free plan allows 3 products"


@pytest.fixture
def free_store(store_a):
    """Store A on the Free plan, limited to 3 products; the test goes on in its schema."""
    Plan.objects.filter(code="free").update(max_products=3)
    Tenant.objects.filter(pk=store_a.pk).update(plan=Plan.objects.get(code="free"))
    connection.set_tenant(Tenant.objects.get(pk=store_a.pk))
    return store_a


@pytest.fixture
def staff_api(free_store):
    manager = accounts_services.create_staff_member(
        email="catalog@store-a.test", password="Correct-horse-42", role="catalog_manager"
    )
    client = APIClient(HTTP_HOST=free_store.primary_host)
    client.force_authenticate(manager)
    return client


def test_api_create_past_the_product_limit_is_refused(staff_api):
    for slug in ("one", "two", "three"):
        make_product(slug, skus=[slug.upper()])
    response = staff_api.post(
        "/api/v1/catalog/products/",
        {"name": "Fourth", "variants": [{"sku": "FOUR", "price": "5.00"}]},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "plan_limit_reached"
    assert LIMIT_MESSAGE in response.json()["error"]["message"]
    assert Product.objects.count() == 3


def test_api_create_up_to_the_limit_works(staff_api):
    make_product("one", skus=["ONE"])
    make_product("two", skus=["TWO"])
    response = staff_api.post(
        "/api/v1/catalog/products/", {"name": "Third", "variants": []}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Product.objects.count() == 3


IMPORTS = "/api/v1/catalog/imports/"
HEADER = "product_slug,product_name,sku,price"


def _csv(*rows: str):
    return SimpleUploadedFile(
        "catalog.csv", "\n".join([HEADER, *rows]).encode(), content_type="text/csv"
    )


@pytest.fixture
def owner(free_store, store_owner_client):
    client = store_owner_client(free_store)
    connection.set_tenant(Tenant.objects.get(pk=free_store.pk))
    return client


@pytest.fixture
def send(owner, celery_eager, django_capture_on_commit_callbacks):
    def upload(file) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            response = owner.post(IMPORTS, {"file": file, "dry_run": True})
        assert response.status_code == 202, response.content
        return owner.get(f"{IMPORTS}{response.json()['id']}/").json()

    return upload


def test_an_import_past_the_product_limit_is_refused_whole_at_its_dry_run(send):
    make_product("one", skus=["ONE"])
    rows = ["one,One,ONE,9.00", "two,Two,TWO,9.00", "three,Three,THREE,9.00", "four,Four,F,9.00"]
    job = send(_csv(*rows))
    assert job["status"] == "failed"
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(0, "non_field_errors")]
    message = job["errors"][0]["message"]
    assert LIMIT_MESSAGE in message
    assert "This file adds 3 new products; nothing was imported." in message
    assert Product.objects.count() == 1


def test_an_import_commit_is_refused_whole_when_the_limit_was_reached_since_its_dry_run(
    send, owner, celery_eager, django_capture_on_commit_callbacks
):
    make_product("one", skus=["ONE"])
    job = send(_csv("two,Two,TWO,9.00", "three,Three,THREE,9.00"))
    assert job["status"] == "validated", job["errors"]
    make_product("meanwhile", skus=["MEANWHILE"])  # added by someone else before the commit

    with django_capture_on_commit_callbacks(execute=True):
        assert owner.post(f"{IMPORTS}{job['id']}/commit/").status_code == 202
    job = owner.get(f"{IMPORTS}{job['id']}/").json()
    assert job["status"] == "failed"
    assert LIMIT_MESSAGE in job["errors"][0]["message"]
    assert sorted(Product.objects.values_list("slug", flat=True)) == ["meanwhile", "one"]


def test_an_import_that_only_updates_products_is_not_limited(send):
    for slug in ("one", "two", "three"):
        make_product(slug, skus=[slug.upper()])
    job = send(_csv("one,One renamed,ONE,9.00", "two,Two renamed,TWO,9.00"))
    assert job["status"] == "validated", job["errors"]


def _admin_add(owner, name: str):
    return owner.post(
        reverse("admin:catalog_product_add"),
        {
            "name": name,
            "slug": name.lower(),
            "status": "draft",
            "visible_b2c": "on",
            "variants-TOTAL_FORMS": "0",
            "variants-INITIAL_FORMS": "0",
            "variants-MIN_NUM_FORMS": "0",
            "variants-MAX_NUM_FORMS": "1000",
        },
    )


def test_django_admin_adds_products_up_to_the_limit_and_then_says_why_not(owner):
    make_product("one", skus=["ONE"])
    make_product("two", skus=["TWO"])
    added = _admin_add(owner, "Third")
    assert added.status_code == 302
    assert Product.objects.filter(slug="third").exists()

    form = owner.get(reverse("admin:catalog_product_add"))
    assert form.status_code == 302
    assert form["Location"] == reverse("admin:catalog_product_changelist")
    assert any(LIMIT_MESSAGE in str(m) for m in get_messages(form.wsgi_request))

    refused = _admin_add(owner, "Fourth")
    assert refused.status_code == 302
    assert any(LIMIT_MESSAGE in str(m) for m in get_messages(refused.wsgi_request))
    assert not Product.objects.filter(slug="fourth").exists()
    assert Product.objects.count() == 3


@pytest.fixture
def committed_free_store(django_db_setup, django_db_blocker):
    """Store A on a Free plan with room for exactly one more product, committed (the test's
    two transactions must see it); restored afterwards."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        store = Tenant.objects.get(schema_name="store_a")
        free = Plan.objects.get(code="free")
        previous = (store.plan_id, free.max_products)
        connection.set_tenant(store)
        room = Product.objects.count() + 1
        connection.set_schema_to_public()
        Plan.objects.filter(pk=free.pk).update(max_products=room)
        Tenant.objects.filter(pk=store.pk).update(plan=free)
        yield store
        connection.set_tenant(store)
        for product in Product.objects.filter(slug__startswith="race-"):
            services.delete_product(product=product)
        connection.set_schema_to_public()
        Tenant.objects.filter(pk=store.pk).update(plan_id=previous[0])
        Plan.objects.filter(pk=free.pk).update(max_products=previous[1])


def test_two_concurrent_creates_at_the_limit_cannot_both_pass(
    committed_free_store, django_db_blocker, celery_eager
):
    first_created = threading.Event()
    outcomes: dict[str, str] = {}

    def create(name: str, *, hold: bool):
        with django_db_blocker.unblock():
            try:
                connection.set_tenant(Tenant.objects.get(schema_name="store_a"))
                with transaction.atomic():
                    services.create_product(
                        data={"name": name, "slug": name},
                        variants=[{"sku": name.upper(), "price": Decimal("1.00")}],
                    )
                    if hold:
                        first_created.set()
                        _wait_until_another_session_waits_for_a_lock()
                outcomes[name] = "created"
            except PlanLimitReached:
                outcomes[name] = "refused"
            except BaseException as error:  # noqa: BLE001 - reported by the test
                outcomes[name] = repr(error)
            finally:
                connection.close()

    first = threading.Thread(target=create, args=("race-first",), kwargs={"hold": True})
    first.start()
    assert first_created.wait(timeout=20)
    second = threading.Thread(target=create, args=("race-second",), kwargs={"hold": False})
    second.start()
    for thread in (first, second):
        thread.join(timeout=30)
    assert outcomes == {"race-first": "created", "race-second": "refused"}


def _wait_until_another_session_waits_for_a_lock(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Statistics views are snapshot once per transaction unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second create never waited for the first")
