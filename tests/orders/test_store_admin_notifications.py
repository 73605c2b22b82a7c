"""Settings > Notifications in the store admin: the owner sets where the store's new-order and
quote-request emails go (orders.services.set_staff_notification_email), and a placed order's
staff email goes there; other staff get 403 and no menu item; customers and strangers are sent
to sign in. The dashboard's "Get new-order emails" step is done once an address is set."""

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import connection
from django.utils.html import escape
from django_tenants.utils import schema_context

from orders import services
from orders.errors import InvalidOrderSettings
from orders.models import OrderSettings
from tenants.models import AuditLogEntry
from tests.catalog.store_admin_clients import admin_client, login_redirect
from tests.matrix import PEOPLE, every_role
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db

SCREEN = "/admin/notifications/"
FIELD = "notify_staff_email"


@pytest.fixture
def as_role(store_a):
    return lambda role: admin_client(store_a, role)


@pytest.fixture
def owner(as_role):
    return as_role("owner")


def saved() -> str | None:
    return OrderSettings.objects.filter(pk=1).values_list(FIELD, flat=True).first()


def field_value(html: str) -> str:
    return re.search(rf'<input[^>]*name="{FIELD}"[^>]*>', html).group(0)


def test_only_the_owner_opens_and_changes_the_screen(store_a, store_client):
    def check(role):
        if role == "anonymous":
            connection.set_tenant(store_a)
            client = store_client(store_a)
        else:
            client = admin_client(store_a, role)
        shown = client.get(SCREEN)
        written = client.post(SCREEN, {FIELD: f"{role}@shop.test"})

        if role == "owner":
            assert (shown.status_code, written.status_code) == (200, 302)
            assert saved() == "owner@shop.test"
        elif role in {"catalog_manager", "order_manager", "support"}:
            assert (shown.status_code, written.status_code) == (403, 403)
            assert escape("Only the store's owner changes where the store's emails go.") in (
                shown.content.decode()
            )
            assert saved() is None
        else:
            # Not staff: Wagtail sends them to the sign-in page.
            assert (shown.status_code, shown["Location"]) == (302, login_redirect(SCREEN))
            assert written.status_code == 302
            assert saved() is None

    every_role(("anonymous", *PEOPLE), check)


def test_the_settings_menu_shows_notifications_to_the_owner_only(as_role):
    def menu(role) -> str:
        return as_role(role).get("/admin/").content.decode()

    assert '"label": "Notifications"' in menu("owner")
    for role in ("catalog_manager", "order_manager", "support"):
        assert '"label": "Notifications"' not in menu(role), role


def test_the_screen_shows_the_current_address(owner):
    services.set_staff_notification_email(email="orders@shop.test")

    html = owner.get(SCREEN).content.decode()

    assert 'value="orders@shop.test"' in field_value(html)
    assert "Send new-order and quote-request emails to" in html
    assert "Leave it empty to send none." in html


def test_a_saved_address_receives_the_next_order_s_staff_email(
    owner, in_store_a, celery_eager, django_capture_on_commit_callbacks
):
    response = owner.post(SCREEN, {FIELD: "  orders@shop.test "})

    assert (response.status_code, response["Location"]) == (302, SCREEN)
    assert saved() == "orders@shop.test"
    assert "The notification settings are saved." in owner.get(SCREEN).content.decode()
    entry = AuditLogEntry.objects.filter(action="orders.notifications_changed").get()
    assert (entry.tenant_id, entry.actor_label) == (in_store_a.pk, "owner@example.com")
    assert entry.details == {"fields": [FIELD], "sent": True}  # not the address itself

    mug = make_variant(price="10.00", stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        order = place([(mug, 1)], email="ada@example.com")
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["ada@example.com"], f"Your order #{order.number} at {in_store_a.name}"),
        (["orders@shop.test"], f"New order #{order.number} ($15.00)"),
    ]


def test_an_emptied_address_sends_the_store_no_email(
    owner, in_store_a, celery_eager, django_capture_on_commit_callbacks
):
    services.set_staff_notification_email(email="orders@shop.test")

    assert owner.post(SCREEN, {FIELD: ""}).status_code == 302

    assert saved() == ""
    mug = make_variant(price="10.00", stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        place([(mug, 1)], email="ada@example.com")
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]


def test_an_invalid_address_is_refused_next_to_its_field_and_nothing_changes(owner):
    services.set_staff_notification_email(email="orders@shop.test")

    response = owner.post(SCREEN, {FIELD: "orders at shop"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'value="orders at shop"' in field_value(html)  # what was typed is still there
    assert saved() == "orders@shop.test"


def test_a_command_s_change_is_audited_against_its_store(store_a):
    # Management commands (the demo's set-up) run under schema_context, without the Tenant.
    with schema_context(store_a.schema_name):
        services.set_staff_notification_email(email="owner@shop.test", actor_label="demo")
        assert saved() == "owner@shop.test"

    entry = AuditLogEntry.objects.get(action="orders.notifications_changed")
    assert (entry.tenant_id, entry.actor_label) == (store_a.pk, "demo")


def test_the_service_refuses_an_invalid_address_by_itself(in_store_a):
    with pytest.raises(InvalidOrderSettings) as refused:
        services.set_staff_notification_email(email="not-an-address")

    assert refused.value.fields == {
        FIELD: ["Enter a valid email address, or leave it empty to send none."]
    }
    assert saved() is None


def test_setting_store_a_s_address_leaves_store_b_s_alone(owner, store_b):
    assert owner.post(SCREEN, {FIELD: "orders@store-a.test"}).status_code == 302

    connection.set_tenant(store_b)
    assert saved() is None


def test_a_new_store_s_emails_go_to_its_contact_or_owner_email(in_store_a):
    store = SimpleNamespace(contact_email="", owner_email="maria@example.com")
    services.send_store_emails_to_the_owner(tenant=store)
    assert saved() == "maria@example.com"

    # An address already chosen is kept.
    services.send_store_emails_to_the_owner(
        tenant=SimpleNamespace(contact_email="hello@shop.test", owner_email="x@shop.test")
    )
    assert saved() == "maria@example.com"


def test_get_new_order_emails_is_a_step_done_once_an_address_is_set(owner):
    def step(html: str) -> str:
        return re.search(r'data-step="notifications" data-state="([a-z-]+)"', html).group(1)

    page = owner.get("/admin/").content.decode()
    assert step(page) == "to-do"
    assert f'href="{SCREEN}"' in page

    services.set_staff_notification_email(email="orders@shop.test")

    assert step(owner.get("/admin/").content.decode()) == "done"


# --- The API: /api/v1/orders/notifications/ (the owner's, as the screen) ------------------------


@pytest.fixture
def owner_api(store_a, in_store_a):
    from rest_framework.test import APIClient

    from accounts import services as account_services
    from tests.matrix import make_person

    client = APIClient(HTTP_HOST=store_a.primary_host)
    token = account_services.issue_auth_token(user=make_person("owner")).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_the_owner_reads_and_sets_the_address_through_the_api(owner_api):
    url = "/api/v1/orders/notifications/"
    assert owner_api.get(url).json() == {FIELD: ""}
    changed = owner_api.patch(url, {FIELD: "  Orders@Example.com "}, format="json")
    assert changed.status_code == 200
    assert changed.json() == {FIELD: "Orders@Example.com"}
    assert saved() == "Orders@Example.com"
    assert owner_api.get(url).json() == {FIELD: "Orders@Example.com"}


def test_a_bad_address_through_the_api_is_a_400_on_its_field_and_changes_nothing(owner_api):
    url = "/api/v1/orders/notifications/"
    owner_api.patch(url, {FIELD: "orders@example.com"}, format="json")
    refused = owner_api.patch(url, {FIELD: "not an address"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        FIELD: ["Enter a valid email address, or leave it empty to send none."]
    }
    assert saved() == "orders@example.com"
