"""Settings > Taxes in the store admin: staff who may read taxes see the settings, classes and
rates; only the owner opens the forms and writes, through the services, with refusals next to
their fields and what was typed kept; deletions confirmed on a page of their own and audited;
lists in a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taxes import selectors, services
from taxes.models import TaxClass, TaxRate, TaxSettings
from tenants.models import AuditLogEntry
from tests.matrix import PEOPLE, STAFF, every_role, make_person

pytestmark = pytest.mark.django_db

READERS = ("owner", "catalog_manager", "order_manager", "support")


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def scene(in_store):
    standard = selectors.default_tax_class()
    reduced = services.create_tax_class(name="Reduced")
    rate = services.create_tax_rate(tax_class=standard, country="FR", rate="20", name="TVA 20%")
    return {"standard": standard, "reduced": reduced, "rate": rate}


@pytest.fixture
def admin_client(in_store, store_client):
    def make(role: str):
        connection.set_tenant(in_store)
        client = store_client(in_store)
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


READ_SCREENS = ["/admin/taxes/", "/admin/taxes/classes/", "/admin/taxes/rates/"]
OWNER_SCREENS = [
    "/admin/taxes/classes/{reduced}/",
    "/admin/taxes/classes/{reduced}/delete/",
    "/admin/taxes/rates/add/",
    "/admin/taxes/rates/{rate}/",
    "/admin/taxes/rates/{rate}/delete/",
]


def _path(template: str, scene: dict) -> str:
    return template.format(reduced=scene["reduced"].pk, rate=scene["rate"].pk)


@pytest.mark.parametrize("path", READ_SCREENS)
def test_staff_read_the_tax_screens(admin_client, scene, path):
    def reads(role):
        response = admin_client(role).get(path)

        if role in READERS:
            assert response.status_code == 200
            assert "TVA 20%" in response.content.decode() or path != "/admin/taxes/rates/"
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")

    every_role(["anonymous", *PEOPLE], reads)


@pytest.mark.parametrize("path", OWNER_SCREENS)
def test_only_the_owner_opens_the_tax_forms(admin_client, scene, path):
    def opens(role):
        response = admin_client(role).get(_path(path, scene))

        if role == "owner":
            assert response.status_code == 200
        elif role in STAFF:
            assert response.status_code == 403
            assert "owner changes its taxes." in response.content.decode()
        else:
            assert response.status_code == 302

    every_role(["anonymous", *PEOPLE], opens)


WRITES = [
    ("/admin/taxes/", {"rounding": "per_total", "prices_entered_with_tax": "on"}),
    ("/admin/taxes/classes/", {"name": "Zero"}),
    ("/admin/taxes/classes/{reduced}/", {"name": "Lower"}),
    ("/admin/taxes/classes/{reduced}/delete/", {}),
    (
        "/admin/taxes/rates/add/",
        {"tax_class": "{standard}", "country": "DE", "rate": "19", "name": "MwSt."},
    ),
    (
        "/admin/taxes/rates/{rate}/",
        {"tax_class": "{standard}", "country": "FR", "rate": "5", "name": "TVA"},
    ),
    ("/admin/taxes/rates/{rate}/delete/", {}),
]


def _state() -> dict:
    return {
        "classes": sorted(TaxClass.objects.values_list("name", "is_default")),
        "rates": sorted(TaxRate.objects.values_list("country", "rate", "name")),
        "settings": list(TaxSettings.objects.values_list("rounding", "prices_entered_with_tax")),
    }


@pytest.mark.parametrize(("path", "data"), WRITES)
def test_other_staff_change_no_tax(admin_client, scene, path, data):
    before = _state()
    body = {key: value.format(standard=scene["standard"].pk) for key, value in data.items()}

    def changes_nothing(role):
        response = admin_client(role).post(_path(path, scene), body)

        assert response.status_code == 403
        assert _state() == before

    every_role(["catalog_manager", "order_manager", "support"], changes_nothing)


@pytest.mark.parametrize(("path", "data"), WRITES)
def test_the_owner_s_writes_land(admin_client, scene, path, data):
    before = _state()
    body = {key: value.format(standard=scene["standard"].pk) for key, value in data.items()}

    response = admin_client("owner").post(_path(path, scene), body)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _state() != before


def test_owner_saves_the_settings(admin_client, scene):
    response = admin_client("owner").post(
        "/admin/taxes/",
        {
            "prices_entered_with_tax": "on",
            "rounding": "per_total",
            "shipping_tax_class": scene["reduced"].pk,
            "display_prices_with_tax": "on",
        },
    )

    assert response.status_code == 302 and response["Location"] == "/admin/taxes/"
    settings = selectors.tax_settings()
    assert settings.prices_entered_with_tax and settings.display_prices_with_tax
    assert not settings.charge_tax_on_shipping
    assert settings.rounding == "per_total" and settings.shipping_tax_class == scene["reduced"]


def test_a_refused_rate_is_shown_next_to_its_field_with_what_was_typed(admin_client, scene):
    response = admin_client("owner").post(
        "/admin/taxes/rates/add/",
        {"tax_class": scene["standard"].pk, "country": "UK", "rate": "20", "name": "VAT 20%"},
    )

    assert response.status_code == 400
    assert field_errors(response, "country") == ["Use GB, the ISO 3166-1 code, not UK."]
    html = response.content.decode()
    assert 'value="UK"' in html and 'value="VAT 20%"' in html
    assert TaxRate.objects.count() == 1


def test_a_duplicate_place_is_refused_next_to_the_region(admin_client, scene):
    response = admin_client("owner").post(
        "/admin/taxes/rates/add/",
        {"tax_class": scene["standard"].pk, "country": "fr", "rate": "19.6", "name": "TVA"},
    )

    assert response.status_code == 400
    assert field_errors(response, "region") == ["The class “Standard” has a rate for FR already."]


def test_unmarking_the_default_class_is_refused_next_to_its_field(admin_client, scene):
    standard = scene["standard"]

    response = admin_client("owner").post(
        f"/admin/taxes/classes/{standard.pk}/", {"name": "Standard"}
    )

    assert response.status_code == 400
    assert field_errors(response, "is_default") == [
        "A store always has a default tax class: make another class the default."
    ]
    assert TaxClass.objects.get(pk=standard.pk).is_default


def test_deleting_a_class_is_confirmed_then_audited(admin_client, scene, in_store):
    client = admin_client("owner")
    reduced = scene["reduced"]

    confirm = client.get(f"/admin/taxes/classes/{reduced.pk}/delete/")
    assert TaxClass.objects.filter(pk=reduced.pk).exists()  # asking deletes nothing
    deleted = client.post(f"/admin/taxes/classes/{reduced.pk}/delete/")

    assert confirm.status_code == 200 and "Yes, delete it" in confirm.content.decode()
    assert deleted.status_code == 302
    assert not TaxClass.objects.filter(pk=reduced.pk).exists()
    connection.set_schema_to_public()
    entry = AuditLogEntry.objects.get(action="taxes.class_deleted")
    assert entry.tenant_id == in_store.pk
    assert entry.details == {"tax_class_id": reduced.pk}


def test_the_default_class_is_not_deleted(admin_client, scene):
    standard = scene["standard"]

    response = admin_client("owner").post(f"/admin/taxes/classes/{standard.pk}/delete/")

    assert response.status_code == 302
    assert TaxClass.objects.filter(pk=standard.pk, is_default=True).exists()


def test_readers_see_the_settings_but_no_save_button(admin_client, scene):
    html = admin_client("support").get("/admin/taxes/").content.decode()

    assert "Only the store's owner changes these settings." in html
    assert ">Save</button>" not in html


def test_the_settings_menu_has_taxes_for_readers_only(admin_client, scene):
    def menu_labels(role):
        html = admin_client(role).get("/admin/").content.decode()
        return re.findall(r'"label": "([^"]+)"', html[html.index('"name": "settings"') :])

    assert "Taxes" in menu_labels("owner")
    assert "Taxes" in menu_labels("catalog_manager")


@pytest.mark.parametrize("path", ["/admin/taxes/classes/", "/admin/taxes/rates/"])
def test_lists_take_the_same_queries_for_few_and_many_rows(admin_client, scene, path):
    client = admin_client("owner")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few = count()
    for number, country in enumerate(["DE", "IT", "ES", "NL", "BE", "AT"], start=1):
        tax_class = services.create_tax_class(name=f"Class {number}")
        services.create_tax_rate(tax_class=tax_class, country=country, rate="10", name="VAT")

    assert count() == few
