"""Settings > Shipping in the store admin: zones, their delivery options and rate bands,
written through the shipping services. The owner manages; order managers and support read the
list; everyone else on staff gets 403; customers and strangers are sent to sign in. The
dashboard's "Set up delivery" step is done once an active zone offers an option."""

import re

import pytest
from django.db import connection
from django.utils.html import escape

from shipping.models import DeliveryOption, ShippingZone
from tenants.models import AuditLogEntry
from tests.catalog.store_admin_clients import admin_client, login_redirect
from tests.matrix import STAFF
from tests.shipping.conftest import bands, count_queries, option, zone

pytestmark = pytest.mark.django_db

LIST = "/admin/shipping/"
NEW_ZONE = "/admin/shipping/zones/new/"


@pytest.fixture
def as_role(store_a):
    return lambda role: admin_client(store_a, role)


@pytest.fixture
def owner(as_role):
    return as_role("owner")


@pytest.fixture
def domestic(in_store_a):
    domestic = zone("Domestic", ["US"])
    option(domestic, "Standard", price="5", free_above="100")
    return domestic


def screens(domestic) -> dict[str, str]:
    standard = domestic.options.get()
    return {
        "list": LIST,
        "new zone": NEW_ZONE,
        "zone": f"/admin/shipping/zones/{domestic.pk}/",
        "delete zone": f"/admin/shipping/zones/{domestic.pk}/delete/",
        "new option": f"/admin/shipping/zones/{domestic.pk}/options/new/",
        "option": f"/admin/shipping/options/{standard.pk}/",
        "delete option": f"/admin/shipping/options/{standard.pk}/delete/",
    }


ZONE_FORM = {
    "name": "Europe",
    "countries": ["FR", "DE"],
    "regions": "",
    "postcodes": "",
    "position": "",
    "is_active": "on",
}


def option_form(**fields) -> dict:
    data = {
        "name": "Express",
        "kind": "flat_rate",
        "price": "15",
        "free_above": "",
        "min_delivery_days": "1",
        "max_delivery_days": "2",
        "position": "",
        "is_active": "on",
        "bands-TOTAL_FORMS": "3",
        "bands-INITIAL_FORMS": "0",
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "50",
    }
    for number in range(3):
        for name in ("from_value", "to_value", "price"):
            data[f"bands-{number}-{name}"] = ""
    data.update(fields)
    return data


# --- Who may ------------------------------------------------------------------------------------


EXPECTED_GET = {
    "owner": dict.fromkeys(("list", "new zone", "zone", "delete zone", "new option", "option",
                            "delete option"), 200),
    "order_manager": {"list": 200} | dict.fromkeys(("new zone", "zone", "delete zone",
                                                     "new option", "option", "delete option"), 403),
    "support": {"list": 200} | dict.fromkeys(("new zone", "zone", "delete zone", "new option",
                                               "option", "delete option"), 403),
    "catalog_manager": dict.fromkeys(("list", "new zone", "zone", "delete zone", "new option",
                                      "option", "delete option"), 403),
}  # fmt: skip


@pytest.mark.parametrize("role", STAFF)
def test_each_staff_role_gets_exactly_its_screens(as_role, domestic, role):
    client = as_role(role)

    statuses = {name: client.get(url).status_code for name, url in screens(domestic).items()}

    assert statuses == EXPECTED_GET[role]


@pytest.mark.parametrize("role", ["order_manager", "support", "catalog_manager"])
def test_staff_who_may_not_manage_are_refused_every_write_and_nothing_changes(
    as_role, domestic, role
):
    client = as_role(role)
    urls = screens(domestic)
    writes = [
        (urls["new zone"], ZONE_FORM),
        (urls["zone"], ZONE_FORM),
        (urls["delete zone"], {}),
        (urls["new option"], option_form()),
        (urls["option"], option_form()),
        (urls["delete option"], {}),
    ]

    refused = [client.post(url, data) for url, data in writes]

    assert {response.status_code for response in refused} == {403}
    assert escape("Only the store's owner changes its shipping zones and rates.") in (
        refused[0].content.decode()
    )
    assert list(ShippingZone.objects.values_list("name", flat=True)) == ["Domestic"]
    assert list(DeliveryOption.objects.values_list("name", "price")) == [("Standard", 5)]


@pytest.mark.parametrize("role", ["customer", "anonymous"])
def test_customers_and_strangers_are_sent_to_sign_in(
    as_role, store_client, store_a, domestic, role
):
    client = as_role("customer") if role == "customer" else store_client(store_a)

    for url in screens(domestic).values():
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, login_redirect(url))
    assert client.post(NEW_ZONE, ZONE_FORM).status_code == 302
    assert ShippingZone.objects.count() == 1


def test_readers_see_the_zones_without_any_write_link(as_role, domestic):
    html = as_role("order_manager").get(LIST).content.decode()

    assert "Domestic" in html and "Standard" in html
    assert "free from 100.00" in html
    assert NEW_ZONE not in html
    assert f"/admin/shipping/zones/{domestic.pk}/" not in html


def test_the_settings_menu_shows_shipping_to_those_who_may_read_it(as_role):
    def menu(role) -> str:
        return as_role(role).get("/admin/").content.decode()

    for role in ("owner", "order_manager", "support"):
        assert '"label": "Shipping"' in menu(role), role
    assert '"label": "Shipping"' not in menu("catalog_manager")


# --- The owner's writes -------------------------------------------------------------------------


def test_the_owner_adds_a_zone_then_an_option_with_weight_bands(owner, in_store_a):
    added = owner.post(NEW_ZONE, ZONE_FORM | {"postcodes": "75000-75999\nSW1*, 10"})

    europe = ShippingZone.objects.get()
    assert (added.status_code, added["Location"]) == (302, f"/admin/shipping/zones/{europe.pk}/")
    assert (europe.countries, europe.postcodes) == (["FR", "DE"], ["75000-75999", "SW1*", "10"])

    weighed = owner.post(
        f"/admin/shipping/zones/{europe.pk}/options/new/",
        option_form(
            name="Parcel",
            kind="weight_bands",
            price="",
            **{
                "bands-0-from_value": "1000",
                "bands-0-price": "12",
                "bands-1-from_value": "0",
                "bands-1-to_value": "1000",
                "bands-1-price": "7.50",
            },
        ),
    )

    assert (weighed.status_code, weighed["Location"]) == (
        302,
        f"/admin/shipping/zones/{europe.pk}/",
    )
    parcel = DeliveryOption.objects.get()
    assert [(b.from_value, b.to_value, b.price) for b in parcel.bands.all()] == [
        (0, 1000, 7.5),
        (1000, None, 12),
    ]
    page = owner.get(f"/admin/shipping/zones/{europe.pk}/").content.decode()
    assert "0.00\u20131000.00: 7.50" in page and "1000.00\u2013…: 12.00" in page


def test_a_refused_zone_shows_the_error_next_to_its_field_with_what_was_typed_kept(
    owner, in_store_a
):
    response = owner.post(NEW_ZONE, ZONE_FORM | {"countries": [], "postcodes": "75#"})

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["countries"] == ["Choose at least one country."]
    assert form.errors["postcodes"] == [
        "“75#” is no postcode pattern: use letters and digits, a range such as 75000-75999, "
        "or * and ? as wildcards."
    ]
    assert form["postcodes"].value() == "75#"
    assert form["name"].value() == "Europe"
    assert escape("Choose at least one country.") in response.content.decode()
    assert not ShippingZone.objects.exists()


def test_overlapping_bands_are_refused_above_the_bands_with_the_rows_kept(owner, domestic):
    response = owner.post(
        f"/admin/shipping/zones/{domestic.pk}/options/new/",
        option_form(
            name="Parcel",
            kind="weight_bands",
            price="0",
            **{
                "bands-0-from_value": "0",
                "bands-0-to_value": "2000",
                "bands-0-price": "5",
                "bands-1-from_value": "1000",
                "bands-1-price": "9",
            },
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    message = "The band from 0g overlaps the band from 1000g: bands may not overlap."
    assert re.search(r"data-band-errors>\s*<p>" + re.escape(message), html)
    assert 'value="2000"' in html and 'value="1000"' in html
    assert list(DeliveryOption.objects.values_list("name", flat=True)) == ["Standard"]


def test_a_pickup_with_a_price_is_refused_next_to_the_price(owner, domestic):
    response = owner.post(
        f"/admin/shipping/zones/{domestic.pk}/options/new/",
        option_form(name="Pickup", kind="local_pickup", price="3"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "price": ["Local pickup is free: leave the price at 0."]
    }
    assert response.context["form"]["name"].value() == "Pickup"


def test_the_owner_edits_an_option_and_its_zone(owner, domestic):
    urls = screens(domestic)
    assert owner.get(urls["option"]).context["form"]["name"].value() == "Standard"

    saved = owner.post(urls["option"], option_form(name="Standard", price="6.50", free_above="80"))
    assert saved.status_code == 302
    standard = domestic.options.get()
    assert (str(standard.price), str(standard.free_above)) == ("6.50", "80.00")

    renamed = owner.post(urls["zone"], ZONE_FORM | {"name": "USA", "countries": ["US"]})
    assert (renamed.status_code, renamed["Location"]) == (302, LIST)
    domestic.refresh_from_db()
    assert domestic.name == "USA"


def test_deleting_asks_first_then_deletes_and_is_audited(owner, domestic):
    urls = screens(domestic)
    standard = domestic.options.get()

    asked = owner.get(urls["delete option"])
    assert "will no longer be offered it" in asked.content.decode()
    assert DeliveryOption.objects.exists()
    assert owner.post(urls["delete option"]).status_code == 302
    assert not DeliveryOption.objects.exists()
    assert owner.post(urls["delete zone"])["Location"] == LIST
    assert not ShippingZone.objects.exists()

    entries = AuditLogEntry.objects.filter(action__startswith="shipping.").order_by("pk")
    assert [(e.action, e.details) for e in entries] == [
        ("shipping.option_deleted", {"option_id": standard.pk, "zone_id": domestic.pk}),
        ("shipping.zone_deleted", {"zone_id": domestic.pk}),
    ]
    assert {e.actor_label for e in entries} == {"owner@example.com"}


def test_the_zone_list_costs_the_same_queries_for_few_and_many_zones(owner, domestic):
    few = count_queries(lambda: owner.get(LIST))
    for number in range(12):
        more = zone(f"Zone {number}", ["FR"])
        option(more, "A", price="1")
        option(more, "B", kind="weight_bands", bands=bands((0, 10, "1"), (10, None, "2")))

    many = count_queries(lambda: owner.get(LIST))

    assert many == few
    assert owner.get(LIST).content.decode().count("data-zone=") == 13


def test_a_zone_of_another_store_is_a_404(as_role, store_b, domestic):
    urls = screens(domestic)
    connection.set_tenant(store_b)
    other_owner = admin_client(store_b, "owner")

    assert other_owner.get(urls["zone"]).status_code == 404
    assert other_owner.post(urls["delete zone"]).status_code == 404
    assert other_owner.get(urls["option"]).status_code == 404


# --- Dashboard ----------------------------------------------------------------------------------


def steps_of(client) -> dict[str, str]:
    html = client.get("/admin/").content.decode()
    return dict(re.findall(r'data-step="(\w+)" data-state="([\w-]+)"', html))


def test_set_up_delivery_is_to_do_until_an_active_zone_offers_an_option(owner, in_store_a):
    assert steps_of(owner)["delivery"] == "to-do"
    assert 'href="/admin/shipping/"' in owner.get("/admin/").content.decode()

    empty = zone("Domestic", ["US"])
    assert steps_of(owner)["delivery"] == "to-do"
    option(zone("Closed", ["FR"], is_active=False), "Colissimo", price="5")
    assert steps_of(owner)["delivery"] == "to-do"

    option(empty, "Pickup", kind="local_pickup")
    assert steps_of(owner)["delivery"] == "done"
