"""The two switches of cart reminders: the shopper's opt-in (account page and account API),
and the store's abandoned-cart delay (Settings > Store details, 1 to 720 hours)."""

import re

import pytest
from django.db import connection

from accounts.models import User
from accounts.services import issue_auth_token
from tenants import services as tenant_services
from tenants.errors import InvalidStoreDetails
from tenants.models import Tenant
from tests.matrix import create_user, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


# --- The shopper's opt-in -----------------------------------------------------------------------


def test_a_shopper_opts_in_and_out_on_their_account_page(in_store, store_client):
    ada = create_user("ada@example.com")
    browser = store_client(in_store)
    browser.force_login(ada)

    page = browser.get("/account/").content.decode()
    assert "Email me a reminder when I leave items in my cart" in page
    assert not re.search(r'<input[^>]*name="accepts_cart_reminders"[^>]*checked', page)

    response = browser.post(
        "/account/", {"first_name": "Ada", "accepts_cart_reminders": "on"}, follow=True
    )
    assert "Your profile was saved." in response.content.decode()
    ada.refresh_from_db()
    assert ada.accepts_cart_reminders is True
    page = browser.get("/account/").content.decode()
    assert re.search(r'<input[^>]*name="accepts_cart_reminders"[^>]*checked', page)

    browser.post("/account/", {"first_name": "Ada"})  # the box unticked
    ada.refresh_from_db()
    assert ada.accepts_cart_reminders is False


def test_a_shopper_opts_in_through_the_account_api(in_store, store_client):
    from rest_framework.test import APIClient

    ada = create_user("ada@example.com")
    client = APIClient(HTTP_HOST=in_store.primary_host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_auth_token(user=ada).key}")

    assert client.get("/api/v1/auth/user/").json()["accepts_cart_reminders"] is False
    response = client.patch("/api/v1/auth/user/", {"accepts_cart_reminders": True}, format="json")
    assert response.status_code == 200
    assert response.json()["accepts_cart_reminders"] is True
    assert User.objects.get(pk=ada.pk).accepts_cart_reminders is True

    refused = client.patch(
        "/api/v1/auth/user/", {"accepts_cart_reminders": "every day"}, format="json"
    )
    assert refused.status_code == 400
    assert "accepts_cart_reminders" in refused.json()["error"]["fields"]
    assert User.objects.get(pk=ada.pk).accepts_cart_reminders is True


# --- The store's delay --------------------------------------------------------------------------

DETAILS = {"name": "Store A", "weight_unit": "kg", "time_zone": "UTC"}


def field_errors(response, field: str) -> list[str]:
    html = response.content.decode()
    match = re.search(
        rf'<div[^>]*data-field-wrapper[^>]*>(?:(?!data-field-wrapper).)*?name="{field}"', html, re.S
    )
    assert match, f"no field {field}"
    return re.findall(r'class="error-message"[^>]*>\s*(.*?)\s*</', match.group(0), re.S)


def owner_client(store, store_client):
    connection.set_tenant(store)
    client = store_client(store)
    client.force_login(make_person("owner"))
    return client


def test_the_owner_sets_the_abandoned_cart_delay(in_store, store_client):
    client = owner_client(in_store, store_client)
    page = client.get("/admin/store/details/").content.decode()
    assert "Abandoned cart after (hours)" in page
    assert re.search(r'name="abandoned_cart_hours"[^>]*value="24"', page)

    response = client.post(
        "/admin/store/details/", {**DETAILS, "abandoned_cart_hours": "48"}, follow=True
    )

    assert "Store details saved." in response.content.decode()
    assert Tenant.objects.get(pk=in_store.pk).abandoned_cart_hours == 48


@pytest.mark.parametrize("typed", ["0", "721", "-3", "1.5", "a day", "99999999999999999999"])
def test_a_delay_out_of_bounds_is_refused_next_to_its_field(in_store, store_client, typed):
    client = owner_client(in_store, store_client)

    response = client.post("/admin/store/details/", {**DETAILS, "abandoned_cart_hours": typed})

    assert response.status_code == 400
    assert field_errors(response, "abandoned_cart_hours")
    assert f'value="{typed}"' in response.content.decode()
    assert Tenant.objects.get(pk=in_store.pk).abandoned_cart_hours == 24


def test_a_delay_left_empty_keeps_the_store_s(in_store, store_client):
    Tenant.objects.filter(pk=in_store.pk).update(abandoned_cart_hours=36)
    client = owner_client(in_store, store_client)

    client.post("/admin/store/details/", {**DETAILS, "abandoned_cart_hours": ""})

    assert Tenant.objects.get(pk=in_store.pk).abandoned_cart_hours == 36


@pytest.mark.parametrize("hours", [0, 721, True, "12"])
def test_the_service_refuses_a_delay_out_of_bounds(in_store, hours):
    with pytest.raises(InvalidStoreDetails) as refused:
        tenant_services.update_store_details(tenant=in_store, **DETAILS, abandoned_cart_hours=hours)

    assert refused.value.fields == {
        "abandoned_cart_hours": ["Use a whole number of hours from 1 to 720."]
    }
    assert Tenant.objects.get(pk=in_store.pk).abandoned_cart_hours == 24


def test_other_staff_cannot_change_the_delay(in_store, store_client):
    connection.set_tenant(in_store)
    client = store_client(in_store)
    client.force_login(make_person("order_manager"))

    response = client.post("/admin/store/details/", {**DETAILS, "abandoned_cart_hours": "2"})

    assert response.status_code == 403
    assert Tenant.objects.get(pk=in_store.pk).abandoned_cart_hours == 24
