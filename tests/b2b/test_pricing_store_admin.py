"""B2B > Price lists, Customer groups, Volume breaks in the store admin: the owner and catalog
managers manage them, support reads them, other staff are refused (403), people who are not
staff are sent to sign in (302). Writes go through the services, refusals stand next to their
field with what was typed kept (400); lists cost the same queries for few rows and many."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from b2b.models import CustomerGroup, PriceList, PriceListEntry, VolumeBreak
from b2b.pricing import services
from tests.b2b.pricing_scene import make_scene
from tests.matrix import PEOPLE, every_role, make_person
from tests.queries import statements

pytestmark = pytest.mark.django_db

READERS = ("owner", "catalog_manager", "support")
MANAGERS = ("owner", "catalog_manager")


@pytest.fixture
def scene(store_a):
    connection.set_tenant(store_a)
    scene = make_scene("adm-")
    scene.price_list = services.create_price_list(name="Acme net", company_ids=[scene.acme.pk])
    scene.entry = services.add_entry(
        price_list=scene.price_list,
        target="variant",
        target_id=scene.drill.pk,
        kind="fixed",
        value="80.00",
    )
    scene.tier = services.add_volume_break(variant=scene.drill, min_quantity=10, unit_price="70.00")
    return scene


@pytest.fixture
def admin_client(store_a, store_client):
    def make(role: str):
        connection.set_tenant(store_a)
        client = store_client(store_a)
        if role != "anonymous":
            client.force_login(make_person(role))
        return client

    return make


def field_errors(response, field: str) -> list[str]:
    html = response.content.decode()
    match = re.search(
        rf'<div[^>]*data-field-wrapper[^>]*>(?:(?!data-field-wrapper).)*?name="{field}"', html, re.S
    )
    assert match, f"no field {field}"
    return re.findall(r'class="error-message"[^>]*>\s*(.*?)\s*</', match.group(0), re.S)


READ_SCREENS = [
    "/admin/b2b/price-lists/",
    "/admin/b2b/price-lists/{list}/",
    "/admin/b2b/customer-groups/",
    "/admin/b2b/volume-breaks/",
]
MANAGER_SCREENS = [
    "/admin/b2b/price-lists/{list}/delete/",
    "/admin/b2b/price-lists/{list}/entries/{entry}/delete/",
    "/admin/b2b/customer-groups/{group}/",
    "/admin/b2b/customer-groups/{group}/delete/",
    "/admin/b2b/volume-breaks/{tier}/delete/",
]


def _path(template: str, scene) -> str:
    return template.format(
        list=scene.price_list.pk, entry=scene.entry.pk, group=scene.group.pk, tier=scene.tier.pk
    )


@pytest.mark.parametrize("path", READ_SCREENS)
def test_the_owner_catalog_managers_and_support_read_the_pricing_screens(admin_client, scene, path):
    def reads(role):
        response = admin_client(role).get(_path(path, scene))
        if role in READERS:
            assert response.status_code == 200
            assert "/django-admin/" not in response.content.decode()
        elif role in ("order_manager",):
            assert response.status_code == 403
            assert "see its B2B pricing" in response.content.decode()
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")

    every_role(["anonymous", *PEOPLE], reads)


@pytest.mark.parametrize("path", MANAGER_SCREENS)
def test_only_managers_open_the_pricing_forms(admin_client, scene, path):
    def opens(role):
        response = admin_client(role).get(_path(path, scene))
        if role in MANAGERS:
            assert response.status_code == 200
        elif role in ("order_manager", "support"):
            assert response.status_code == 403
            assert "change its B2B pricing" in response.content.decode()
        else:
            assert response.status_code == 302

    every_role(["anonymous", *PEOPLE], opens)


def _state() -> dict:
    return {
        "lists": sorted(PriceList.objects.values_list("name", "active")),
        "entries": sorted(PriceListEntry.objects.values_list("kind", "value")),
        "groups": sorted(CustomerGroup.objects.values_list("name", flat=True)),
        "tiers": sorted(VolumeBreak.objects.values_list("min_quantity", "unit_price")),
    }


WRITES = [
    ("/admin/b2b/price-lists/", {"name": "New"}),
    ("/admin/b2b/price-lists/{list}/", {"action": "settings", "name": "Renamed"}),
    (
        "/admin/b2b/price-lists/{list}/",
        {"action": "entry", "target": "brand", "reference": "bosch", "kind": "fixed", "value": "1"},
    ),
    ("/admin/b2b/price-lists/{list}/delete/", {}),
    ("/admin/b2b/price-lists/{list}/entries/{entry}/delete/", {}),
    ("/admin/b2b/customer-groups/", {"name": "Schools"}),
    ("/admin/b2b/customer-groups/{group}/delete/", {}),
    ("/admin/b2b/volume-breaks/", {"sku": "adm-SAW", "min_quantity": "5", "unit_price": "1"}),
    ("/admin/b2b/volume-breaks/{tier}/delete/", {}),
]


@pytest.mark.parametrize(("path", "data"), WRITES)
def test_staff_who_only_read_change_nothing(admin_client, scene, path, data):
    before = _state()

    def changes_nothing(role):
        response = admin_client(role).post(_path(path, scene), data)
        assert response.status_code == 403
        assert _state() == before

    every_role(["order_manager", "support"], changes_nothing)


def test_a_manager_builds_a_price_list_with_assignments_entries_an_import_and_breaks(
    admin_client, scene
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = admin_client("catalog_manager")
    created = client.post(
        "/admin/b2b/price-lists/",
        {"name": "Resellers 2027", "active": "on", "group_ids": [scene.group.pk]},
    )
    assert created.status_code == 302
    price_list = PriceList.objects.get(name="Resellers 2027")
    assert list(price_list.customer_groups.all()) == [scene.group]
    page = f"/admin/b2b/price-lists/{price_list.pk}/"
    added = client.post(
        page,
        {
            "action": "entry",
            "target": "product",
            "reference": "adm-saw",
            "kind": "percent_off",
            "value": "10",
            "min_quantity": "4",
        },
    )
    assert added.status_code == 302
    csv_text = "target,reference,kind,value,min_quantity,order_multiple\n" + (
        "variant,adm-HAMMER,fixed,15.00,,6\nbrand,stanley,percent_off,5,,\n"
    )
    imported = client.post(
        page,
        {
            "action": "import",
            "file": SimpleUploadedFile("prices.csv", csv_text.encode(), "text/csv"),
        },
    )
    assert imported.status_code == 302
    tier = client.post(
        page, {"action": "tier", "sku": "adm-HAMMER", "min_quantity": "12", "unit_price": "13"}
    )
    assert tier.status_code == 302
    shown = client.get(page).content.decode()
    for text in ("Product Saw", "adm-HAMMER", "Brand Stanley", "15.00", "13.00"):
        assert text in shown
    assert price_list.entries.count() == 3
    assert VolumeBreak.objects.filter(price_list=price_list).count() == 1


def test_refusals_stand_next_to_their_field_and_keep_what_was_typed(admin_client, scene):
    client = admin_client("owner")
    page = f"/admin/b2b/price-lists/{scene.price_list.pk}/"
    before = _state()
    over = client.post(
        page,
        {
            "action": "entry",
            "target": "variant",
            "reference": "adm-SAW",
            "kind": "percent_off",
            "value": "120",
        },
    )
    assert over.status_code == 400
    assert field_errors(over, "value") == ["At most 100."]
    assert 'value="120"' in over.content.decode()
    unknown = client.post(
        page,
        {
            "action": "entry",
            "target": "variant",
            "reference": "NOPE",
            "kind": "fixed",
            "value": "1",
        },
    )
    assert unknown.status_code == 400
    assert field_errors(unknown, "reference") == ["No variant with this SKU."]
    dates = client.post(
        page,
        {
            "action": "settings",
            "name": "Acme net",
            "valid_from": "2027-02-01 00:00",
            "valid_until": "2027-01-01 00:00",
        },
    )
    assert dates.status_code == 400
    assert field_errors(dates, "valid_until") == ["The end of validity must come after its start."]
    bad_csv = client.post(
        page,
        {
            "action": "import",
            "file": __import__("io").BytesIO(b"target,reference,kind,value\nvariant,X,fixed,1\n"),
        },
    )
    assert bad_csv.status_code == 400
    assert "Row 2, reference" in bad_csv.content.decode()
    taken = client.post("/admin/b2b/customer-groups/", {"name": scene.group.name})
    assert taken.status_code == 400
    assert field_errors(taken, "name") == ["Another group has this name."]
    assert _state() == before


def test_the_price_list_screens_cost_the_same_queries_for_few_rows_and_many(admin_client, scene):
    client = admin_client("owner")
    page = f"/admin/b2b/price-lists/{scene.price_list.pk}/"
    client.get("/admin/b2b/price-lists/")
    with CaptureQueriesContext(connection) as few_lists:
        client.get("/admin/b2b/price-lists/")
    with CaptureQueriesContext(connection) as few_entries:
        client.get(page)
    for number in range(8):
        services.create_price_list(
            name=f"More {number}", company_ids=[scene.acme.pk, scene.globex.pk]
        )
    for variant in (scene.drill_big, scene.saw, scene.hammer):
        services.add_entry(
            price_list=scene.price_list,
            target="variant",
            target_id=variant.pk,
            kind="fixed",
            value="1",
        )
    services.add_entry(
        price_list=scene.price_list,
        target="category",
        target_id=scene.tools.pk,
        kind="fixed",
        value="1",
    )
    with CaptureQueriesContext(connection) as many_lists:
        client.get("/admin/b2b/price-lists/")
    with CaptureQueriesContext(connection) as many_entries:
        client.get(page)
    assert statements(many_lists) == statements(few_lists)
    assert statements(many_entries) == statements(few_entries)


def test_the_b2b_menu_shows_pricing_to_those_who_may_open_it(admin_client, scene):
    def shown(role) -> bool:
        html = admin_client(role).get("/admin/").content.decode()
        return "/admin/b2b/price-lists/" in html

    assert shown("owner") and shown("catalog_manager") and shown("support")
    assert not shown("order_manager")
