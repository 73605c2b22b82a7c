"""The store's Settings menu in its admin: store details, staff, security, API keys, domains
and billing; the owner's alone, every write through a service, errors next to their fields."""

import re

import pytest
from django.core import mail
from django.db import connection

from accounts.models import ApiKey, StoreSecurity, User
from accounts.services import create_api_key
from tenants.models import AuditLogEntry, Domain, Plan, Tenant
from tenants.store_admin import domains as domain_screens
from tests.matrix import PASSWORD, PEOPLE, STAFF, create_user, every_role, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def admin_client(in_store, store_client, two_factor_login):
    """``admin_client(role, two_factor=False)``: a client at store A signed in as a new
    person of ``role`` (returned as ``client.person``)."""

    def make(role: str, *, two_factor: bool = False):
        connection.set_tenant(in_store)
        client = store_client(in_store)
        client.person = None
        if role != "anonymous":
            client.person = make_person(role)
            if two_factor:
                two_factor_login(client, client.person)
            else:
                client.force_login(client.person)
        return client

    return make


def field_errors(response, field: str) -> list[str]:
    """The error messages Wagtail shows next to ``field`` (its formattedfield markup)."""
    html = response.content.decode()
    match = re.search(
        rf'<div[^>]*data-field-wrapper[^>]*>(?:(?!data-field-wrapper).)*?name="{field}"', html, re.S
    )
    assert match, f"no field {field}"
    return re.findall(r'class="error-message"[^>]*>\s*(.*?)\s*</', match.group(0), re.S)


SCREENS = [
    "/admin/store/details/",
    "/admin/store/staff/",
    "/admin/store/security/",
    "/admin/store/api-keys/",
    "/admin/store/domains/",
    "/admin/billing/",
]


@pytest.mark.parametrize("path", SCREENS)
def test_only_the_owner_opens_the_settings_screens(admin_client, path):
    def opens(role):
        response = admin_client(role).get(path)

        if role == "owner":
            assert response.status_code == 200
        elif role in STAFF:
            assert response.status_code == 403
            assert b"Only the store" in response.content
        else:
            # Not staff (or not signed in): Wagtail sends them to the sign-in page.
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")

    every_role(["anonymous", *PEOPLE], opens)


WRITES = [
    ("/admin/store/details/", {"name": "Hijacked", "weight_unit": "kg", "time_zone": "UTC"}),
    ("/admin/store/staff/", {"email": "new@example.com", "role": "support"}),
    ("/admin/store/security/", {"require_staff_mfa": "on"}),
    ("/admin/store/api-keys/", {"name": "Leak", "scopes": ["catalog:read"]}),
    ("/admin/store/domains/", {"domain": "shop.example.com"}),
]


@pytest.mark.parametrize(("path", "data"), WRITES)
def test_other_staff_change_no_setting(admin_client, in_store, path, data):
    def changes_nothing(role):
        response = admin_client(role).post(path, data)

        assert response.status_code == 403
        assert Tenant.objects.get(pk=in_store.pk).name == "Store A"
        assert not User.objects.filter(email="new@example.com").exists()
        assert not StoreSecurity.objects.filter(require_staff_mfa=True).exists()
        assert not ApiKey.objects.exists()
        assert not Domain.objects.filter(domain="shop.example.com").exists()

    every_role(["catalog_manager", "order_manager", "support"], changes_nothing)


def test_the_settings_menu_holds_the_store_s_settings_and_billing(admin_client):
    html = admin_client("owner").get("/admin/").content.decode()
    menu = html[html.index('"name": "settings"') :]
    labels = re.findall(r'"label": "([^"]+)"', menu)

    assert labels[0] == "Settings"
    assert labels[1:7] == ["Store details", "Staff", "Security", "API keys", "Domains", "Billing"]
    assert "Users" not in labels and "Groups" not in labels
    # Billing is no longer an item of the main menu.
    main_menu_labels = re.findall(r'"label": "([^"]+)"', html[: html.index('"name": "settings"')])
    assert "Billing" not in main_menu_labels


def test_other_staff_see_no_store_setting_in_the_menu(admin_client):
    html = admin_client("support").get("/admin/").content.decode()

    for label in ("Store details", "Staff", "API keys", "Billing"):
        assert f'"label": "{label}"' not in html


# --- Store details ------------------------------------------------------------------------------


def test_the_owner_changes_the_store_details(admin_client, in_store):
    client = admin_client("owner")
    page = client.get("/admin/store/details/").content.decode()
    assert 'value="Store A"' in page

    response = client.post(
        "/admin/store/details/",
        {
            "name": "  Lamps & Co ",
            "contact_email": "Hello@Lamps.example",
            "address_line1": "1 Rue de Rivoli",
            "city": "Paris",
            "postal_code": "75001",
            "country": "fr",
            "weight_unit": "g",
            "time_zone": "Europe/Paris",
        },
        follow=True,
    )

    assert "Store details saved." in response.content.decode()
    store = Tenant.objects.get(pk=in_store.pk)
    assert (store.name, store.contact_email, store.country) == (
        "Lamps & Co",
        "hello@lamps.example",
        "FR",
    )
    assert (store.weight_unit, store.time_zone, store.city) == ("g", "Europe/Paris", "Paris")
    entry = AuditLogEntry.objects.get(action="store.details_changed")
    assert entry.actor_label == "owner@example.com"
    assert set(entry.details["fields"]) >= {"name", "contact_email", "time_zone"}
    # The admin is titled with the new name at once.
    assert re.search(r"<h1[^>]*>\s*Lamps &amp; Co\s*</h1>", client.get("/admin/").content.decode())


def test_bad_store_details_are_refused_next_to_their_fields_keeping_what_was_typed(
    admin_client, in_store
):
    response = admin_client("owner").post(
        "/admin/store/details/",
        {
            "name": "   ",
            "contact_email": "not-an-email",
            "country": "France",
            "weight_unit": "stone",
            "time_zone": "Mars/Olympus",
            "city": "Paris",
        },
    )

    assert response.status_code == 400
    assert field_errors(response, "name") == ["This field is required."]
    assert field_errors(response, "contact_email") == ["Enter a valid email address."]
    assert field_errors(response, "country")
    assert field_errors(response, "weight_unit")
    assert field_errors(response, "time_zone")
    assert 'value="not-an-email"' in response.content.decode()
    assert 'value="Paris"' in response.content.decode()
    assert Tenant.objects.get(pk=in_store.pk).name == "Store A"


def test_a_value_the_form_accepts_but_the_service_refuses_is_shown_next_to_its_field(
    admin_client, in_store
):
    response = admin_client("owner").post(
        "/admin/store/details/",
        {"name": "Lamps", "country": "F1", "weight_unit": "kg", "time_zone": "UTC"},
    )

    assert response.status_code == 400
    assert field_errors(response, "country") == [
        "Use the two-letter country code (ISO 3166-1), such as FR or US."
    ]
    assert 'value="F1"' in response.content.decode()
    assert Tenant.objects.get(pk=in_store.pk).name == "Store A"


# --- Staff --------------------------------------------------------------------------------------


def test_the_owner_invites_a_new_member_of_staff(
    admin_client, in_store, django_capture_on_commit_callbacks
):
    client = admin_client("owner")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/store/staff/", {"email": " Cat@Example.com ", "role": "catalog_manager"}
        )

    assert response.status_code == 302
    member = User.objects.get(email="cat@example.com")
    assert (member.staff_role, member.is_staff, member.has_usable_password()) == (
        "catalog_manager",
        True,
        False,
    )
    assert [message.to for message in mail.outbox] == [["cat@example.com"]]
    body = mail.outbox[0].body
    assert "Store A" in mail.outbox[0].subject
    assert "Catalog manager" in body
    link = re.search(r"http://store-a\.\S+/accounts/password/reset/key/\S+", body).group(0)
    # The link lets them choose a password.
    page = client.__class__(HTTP_HOST=in_store.primary_host).get(link.split(":8000", 1)[-1])
    assert page.status_code in (200, 302)
    listing = client.get("/admin/store/staff/").content.decode()
    assert 'data-member="cat@example.com"' in listing and "invited" in listing
    assert AuditLogEntry.objects.filter(action="staff.invited").count() == 1


def test_a_shopper_invited_to_the_staff_keeps_their_account(
    admin_client, django_capture_on_commit_callbacks
):
    client = admin_client("owner")
    shopper = create_user("shopper@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/store/staff/", {"email": "shopper@example.com", "role": "support"})

    shopper.refresh_from_db()
    assert shopper.staff_role == "support" and shopper.check_password(PASSWORD)
    assert "Choose your password" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not-an-email", "role": "support"}, "email", "Enter a valid email address."),
        ({"email": "owner@example.com", "role": "support"}, "email", "Already on the staff"),
        ({"email": "x@example.com", "role": "owner"}, "role", "Select a valid choice"),
        ({"email": "", "role": "support"}, "email", "This field is required."),
    ],
)
def test_a_bad_invitation_is_refused_next_to_its_field(admin_client, data, field, message):
    response = admin_client("owner").post("/admin/store/staff/", data)

    assert response.status_code == 400
    assert any(message in error for error in field_errors(response, field))
    assert f'value="{data["email"]}"' in response.content.decode() or not data["email"]


def test_an_invitation_past_the_plan_s_staff_limit_says_so_with_an_upgrade_link(
    admin_client, in_store
):
    client = admin_client("owner")
    Plan.objects.filter(code="free").update(max_staff_accounts=1)
    Tenant.objects.filter(pk=in_store.pk).update(
        plan=Plan.objects.get(code="free"), plan_is_complimentary=False
    )

    response = client.post("/admin/store/staff/", {"email": "x@example.com", "role": "support"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "data-plan-limit" in html and 'href="/admin/billing/"' in html
    assert 'value="x@example.com"' in html
    assert not User.objects.filter(email="x@example.com").exists()


def test_the_owner_changes_a_role_and_removes_a_member(admin_client):
    client = admin_client("owner")
    member = make_person("support")

    client.post(f"/admin/store/staff/{member.pk}/role/", {"role": "order_manager"})
    member.refresh_from_db()
    assert member.staff_role == "order_manager"

    client.post(f"/admin/store/staff/{member.pk}/remove/")
    member.refresh_from_db()
    assert (member.staff_role, member.is_staff, member.is_active) == ("", False, True)
    assert AuditLogEntry.objects.filter(action="staff.removed").count() == 1


def test_the_owner_is_neither_removed_nor_demoted(admin_client):
    client = admin_client("owner")
    owner = client.person

    removed = client.post(f"/admin/store/staff/{owner.pk}/remove/", follow=True)
    demoted = client.post(f"/admin/store/staff/{owner.pk}/role/", {"role": "support"}, follow=True)

    owner.refresh_from_db()
    assert owner.staff_role == "owner" and owner.is_superuser
    assert "keeps the owner" in removed.content.decode()
    assert "keeps the owner" in demoted.content.decode()
    assert "Remove from staff" not in client.get("/admin/store/staff/").content.decode()


# --- Security -----------------------------------------------------------------------------------


def test_requiring_two_factor_before_enrolling_oneself_is_refused_next_to_the_field(
    admin_client,
):
    response = admin_client("owner").post("/admin/store/security/", {"require_staff_mfa": "on"})

    assert response.status_code == 400
    assert any("Enrol a TOTP" in error for error in field_errors(response, "require_staff_mfa"))
    assert not StoreSecurity.current().require_staff_mfa


def test_an_enrolled_owner_requires_two_factor_of_staff(admin_client):
    client = admin_client("owner", two_factor=True)

    response = client.post("/admin/store/security/", {"require_staff_mfa": "on"}, follow=True)

    assert "Security settings saved." in response.content.decode()
    assert StoreSecurity.current().require_staff_mfa


# --- API keys -----------------------------------------------------------------------------------


def test_a_new_key_s_secret_is_shown_once(admin_client):
    client = admin_client("owner")

    created = client.post(
        "/admin/store/api-keys/", {"name": "ERP sync", "scopes": ["catalog:read", "orders:read"]}
    )

    assert created.status_code == 201
    assert "no-store" in created["Cache-Control"]
    secret = re.search(r"<code data-secret[^>]*>(mk_[^<]+)</code>", created.content.decode())[1]
    key = ApiKey.objects.get(name="ERP sync")
    assert key.scopes == ["catalog:read", "orders:read"] and key.company is None
    later = client.get("/admin/store/api-keys/").content.decode()
    assert secret not in later
    assert 'data-key="ERP sync"' in later


def test_a_key_without_a_name_or_scope_is_refused_next_to_its_fields(admin_client):
    response = admin_client("owner").post("/admin/store/api-keys/", {"name": ""})

    assert response.status_code == 400
    assert field_errors(response, "name") == ["This field is required."]
    assert not ApiKey.objects.exists()


def test_the_owner_revokes_a_key(admin_client):
    client = admin_client("owner")
    issued = create_api_key(name="Old", scopes=["catalog:read"], created_by=client.person)

    response = client.post(f"/admin/store/api-keys/{issued.api_key.pk}/revoke/", follow=True)

    issued.api_key.refresh_from_db()
    assert issued.api_key.revoked_at is not None
    assert "no longer works" in response.content.decode()


# --- Domains ------------------------------------------------------------------------------------


class TxtRecords:
    """A resolver double: the TXT records a merchant has published."""

    def __init__(self, records=None):
        self.records = records or {}

    def txt_records(self, name: str) -> list[str]:
        return list(self.records.get(name, []))


def test_the_owner_adds_verifies_and_removes_a_custom_domain(admin_client, monkeypatch, in_store):
    client = admin_client("owner")
    resolver = TxtRecords()
    monkeypatch.setattr(domain_screens, "resolver", resolver)

    client.post("/admin/store/domains/", {"domain": "Shop.Example.com"})
    domain = Domain.objects.get(domain="shop.example.com", tenant=in_store)
    page = client.get("/admin/store/domains/").content.decode()
    assert "_mercato-challenge.shop.example.com" in page
    assert domain.txt_record_value in page

    not_yet = client.post(f"/admin/store/domains/{domain.pk}/verify/", follow=True)
    assert "was not found yet" in not_yet.content.decode()

    resolver.records[domain.txt_record_name] = [domain.txt_record_value]
    client.post(f"/admin/store/domains/{domain.pk}/verify/")
    domain.refresh_from_db()
    assert domain.is_verified

    client.post(f"/admin/store/domains/{domain.pk}/remove/")
    assert not Domain.objects.filter(pk=domain.pk).exists()


def test_a_bad_domain_is_refused_next_to_the_field(admin_client):
    client = admin_client("owner")

    response = client.post("/admin/store/domains/", {"domain": "store-b.localhost"})

    assert response.status_code == 400
    assert field_errors(response, "domain") == ["Subdomains of the platform cannot be added."]


def test_the_store_s_own_address_cannot_be_removed(admin_client, in_store):
    client = admin_client("owner")
    primary = Domain.objects.get(tenant=in_store, is_primary=True)

    response = client.post(f"/admin/store/domains/{primary.pk}/remove/", follow=True)

    assert Domain.objects.filter(pk=primary.pk).exists()
    assert "cannot be removed" in response.content.decode()


def test_another_store_s_domain_is_not_found(admin_client, store_b):
    client = admin_client("owner")
    other = Domain.objects.get(tenant=store_b, is_primary=True)

    assert client.post(f"/admin/store/domains/{other.pk}/remove/").status_code == 404
    assert Domain.objects.filter(pk=other.pk).exists()


def test_a_change_of_details_is_announced_once_committed(
    admin_client, in_store, django_capture_on_commit_callbacks
):
    from tenants.signals import store_details_changed

    client = admin_client("owner")
    heard = []

    def listener(sender, tenant, fields, **kwargs):
        heard.append((tenant.pk, sorted(fields)))

    store_details_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/admin/store/details/",
                {"name": "Store A", "weight_unit": "lb", "time_zone": "UTC"},
            )
    finally:
        store_details_changed.disconnect(listener)

    assert heard == [(in_store.pk, ["weight_unit"])]


@pytest.mark.parametrize("path", ["/admin/users/", "/admin/users/add/", "/admin/groups/"])
def test_wagtails_own_user_and_group_editors_lead_to_the_staff_screen(admin_client, path):
    # They would write users and groups directly, around the staff services (roles, the owner).
    response = admin_client("owner").get(path)

    assert response.status_code == 302
    assert response["Location"] == "/admin/store/staff/"
