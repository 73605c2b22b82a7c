"""The staff pricing API, /api/v1/b2b/: bad input refused field by field with nothing changed,
creations replayed by their Idempotency-Key, the CSV import all or nothing, lists in a constant
number of queries, and another store's rows out of reach."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import services as accounts_services
from b2b.models import PriceList, PriceListEntry
from b2b.pricing import services
from tests.b2b.pricing_scene import make_scene
from tests.matrix import make_person

pytestmark = pytest.mark.django_db

LISTS = "/api/v1/b2b/price-lists/"


@pytest.fixture
def scene(store_a):
    connection.set_tenant(store_a)
    return make_scene("api-")


@pytest.fixture
def staff(store_a, scene):
    client = APIClient(HTTP_HOST=store_a.primary_host)
    token = accounts_services.issue_auth_token(user=make_person("catalog_manager")).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_bad_input_is_refused_field_by_field_and_changes_nothing(staff, scene):
    price_list = services.create_price_list(name="Acme")
    entries = f"{LISTS}{price_list.pk}/entries/"
    cases = [
        (LISTS, {"name": ""}, {"name"}),
        (LISTS, {"name": "X", "company_ids": [999999]}, {"company_ids"}),
        (
            LISTS,
            {"name": "X", "valid_from": "2027-02-01T00:00:00Z", "valid_until": "2027-01-01T00:00Z"},
            {"valid_until"},
        ),
        (entries, {"target": "shelf", "target_id": 1, "kind": "fixed", "value": "1"}, {"target"}),
        (
            entries,
            {
                "target": "variant",
                "target_id": scene.drill.pk,
                "kind": "percent_off",
                "value": "101",
            },
            {"value"},
        ),
        (
            entries,
            {"target": "variant", "target_id": 2**40, "kind": "fixed", "value": "1"},
            {"target_id"},
        ),
        (
            entries,
            {"target": "variant", "target_id": scene.drill.pk, "kind": "fixed", "value": "1e20"},
            {"value"},
        ),
        (
            entries,
            {
                "target": "variant",
                "target_id": scene.drill.pk,
                "kind": "fixed",
                "value": "1",
                "order_multiple": 0,
            },
            {"order_multiple"},
        ),
        (
            "/api/v1/b2b/volume-breaks/",
            {"variant_id": scene.drill.pk, "min_quantity": 1, "unit_price": "1"},
            {"min_quantity"},
        ),
    ]
    for path, body, fields in cases:
        answer = staff.post(path, body, format="json")
        assert answer.status_code == 400, (body, answer.content)
        assert set(answer.json()["error"]["fields"]) == fields, body
    assert PriceList.objects.count() == 1
    assert PriceListEntry.objects.count() == 0


def test_a_creation_is_replayed_by_its_idempotency_key(staff, scene):
    body = {"name": "Wholesale", "company_ids": [scene.acme.pk]}
    first = staff.post(LISTS, body, format="json", HTTP_IDEMPOTENCY_KEY="list-1")
    again = staff.post(LISTS, body, format="json", HTTP_IDEMPOTENCY_KEY="list-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert first.json()["companies"] == [{"id": scene.acme.pk, "name": "api-Acme"}]
    assert PriceList.objects.count() == 1


def test_the_csv_import_is_all_rows_or_none(staff, scene):
    price_list = services.create_price_list(name="Acme")
    path = f"{LISTS}{price_list.pk}/entries/import/"

    def upload(text):
        return staff.post(
            path,
            {"file": SimpleUploadedFile("p.csv", text.encode(), "text/csv")},
            format="multipart",
        )

    bad = upload("target,reference,kind,value\nvariant,api-DRILL,fixed,5\nbrand,nope,fixed,1\n")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["rows"] == ["Row 3, reference: No brand “nope”."]
    assert PriceListEntry.objects.count() == 0
    good = upload(
        "target,reference,kind,value\nvariant,api-DRILL,fixed,5\nbrand,bosch,percent_off,3\n"
    )
    assert good.status_code == 200
    assert good.json() == {"imported": 2}
    again = upload("target,reference,kind,value\nvariant,api-DRILL,fixed,4\n")
    assert again.json() == {"imported": 1}
    assert sorted(PriceListEntry.objects.values_list("kind", "value")) == [
        ("fixed", 4),
        ("percent_off", 3),
    ]


def test_the_lists_cost_the_same_queries_for_few_rows_and_many(staff, scene):
    services.create_price_list(name="One", company_ids=[scene.acme.pk])
    staff.get(LISTS)
    with CaptureQueriesContext(connection) as few:
        staff.get(LISTS)
    for number in range(10):
        listed = services.create_price_list(
            name=f"List {number}",
            company_ids=[scene.acme.pk, scene.globex.pk],
            group_ids=[scene.group.pk],
        )
        services.add_entry(
            price_list=listed, target="brand", target_id=scene.saw.product.brand_id,
            kind="percent_off", value="1",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        assert len(staff.get(LISTS).json()["results"]) == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def test_another_stores_price_lists_are_out_of_reach(staff, store_b, scene):
    price_list = services.create_price_list(name="A's list")
    connection.set_tenant(store_b)
    client = APIClient(HTTP_HOST=store_b.primary_host)
    owner = make_person("owner")
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {accounts_services.issue_auth_token(user=owner).key}"
    )
    assert client.get(LISTS).json()["results"] == []
    assert client.get(f"{LISTS}{price_list.pk}/").status_code == 404
