"""Settings > Social login in the store admin: the owner sets the store's Google and Facebook
OAuth clients (the storefront's sign-in page then offers their buttons); the secret is
write-only; other staff are refused; nobody is sent to the Django admin."""

import re

import pytest
from allauth.socialaccount.models import SocialApp
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services
from tenants.models import AuditLogEntry
from tests.matrix import PEOPLE, STAFF, every_role, make_person

pytestmark = pytest.mark.django_db

PAGE = "/admin/store/social-login/"
GOOGLE = f"{PAGE}google/"
SECRET = "GOCSPX-very-secret-value-42"


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def admin_client(in_store, store_client):
    """``admin_client(role)``: a client at store A signed in as a new person of ``role``."""

    def make(role: str):
        connection.set_tenant(in_store)
        client = store_client(in_store)
        if role != "anonymous":
            client.force_login(make_person(role))
        return client

    return make


@pytest.fixture
def owner(admin_client):
    return admin_client("owner")


def field_errors(response, field: str) -> list[str]:
    """The error messages Wagtail shows next to ``field`` (its formattedfield markup)."""
    html = response.content.decode()
    match = re.search(
        rf'<div[^>]*data-field-wrapper[^>]*>(?:(?!data-field-wrapper).)*?name="{field}"', html, re.S
    )
    assert match, f"no field {field}"
    return re.findall(r'class="error-message"[^>]*>\s*(.*?)\s*</', match.group(0), re.S)


def section(response, provider: str) -> str:
    html = response.content.decode()
    start = html.index(f'data-provider="{provider}"')
    end = html.find("data-provider=", start + 20)
    return html[start : end if end > 0 else len(html)]


def google_form(client_id="1234-abc.apps.googleusercontent.com", secret=SECRET) -> dict:
    return {"google-client_id": client_id, "google-secret": secret}


# --- Who may ------------------------------------------------------------------------------------


def test_only_the_owner_opens_social_login(admin_client):
    def opens(role):
        response = admin_client(role).get(PAGE)

        if role == "owner":
            assert response.status_code == 200
        elif role in STAFF:
            assert response.status_code == 403
            assert b"Only the store&#x27;s owner configures sign-in" in response.content
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")

    every_role(["anonymous", *PEOPLE], opens)


def test_nobody_but_the_owner_configures_or_removes_a_client(admin_client):
    def configures(role):
        services.configure_social_login(provider="facebook", client_id="fb-app", secret="fb-secret")
        client = admin_client(role)

        configured = client.post(GOOGLE, google_form())
        removed = client.post(f"{PAGE}facebook/remove/")

        if role == "owner":
            assert (configured.status_code, removed.status_code) == (302, 302)
            assert list(SocialApp.objects.values_list("provider", flat=True)) == ["google"]
            return
        expected = 403 if role in STAFF else 302
        assert (configured.status_code, removed.status_code) == (expected, expected)
        assert list(SocialApp.objects.values_list("provider", flat=True)) == ["facebook"]

    every_role(["anonymous", *PEOPLE], configures)


def test_the_settings_menu_offers_social_login_to_the_owner_alone(admin_client):
    owner_menu = admin_client("owner").get("/admin/").content.decode()
    assert '"label": "Social login"' in owner_menu
    assert PAGE in owner_menu
    for role in ("catalog_manager", "order_manager", "support"):
        assert '"label": "Social login"' not in admin_client(role).get("/admin/").content.decode()


# --- Configure, edit, remove --------------------------------------------------------------------


def test_the_page_says_which_providers_are_configured(owner):
    services.configure_social_login(provider="facebook", client_id="fb-app", secret="fb-secret")

    response = owner.get(PAGE)

    assert response.status_code == 200
    assert "Not configured." in section(response, "google")
    facebook = section(response, "facebook")
    assert "Configured" in facebook and "Not configured" not in facebook
    assert 'value="fb-app"' in facebook
    assert "/accounts/facebook/login/callback/" in facebook  # the redirect URI to register
    assert "/admin/store/social-login/facebook/remove/" in facebook
    assert "/remove/" not in section(response, "google")
    assert "fb-secret" not in response.content.decode()
    assert "/django-admin/" not in response.content.decode()


def test_configuring_google_shows_its_button_on_the_sign_in_page_and_removing_hides_it(
    owner, in_store, store_client
):
    shopper = store_client(in_store)
    assert "/accounts/google/login/" not in shopper.get("/accounts/login/").content.decode()

    response = owner.post(GOOGLE, google_form())

    assert response.status_code == 302
    assert response["Location"] == PAGE
    app = SocialApp.objects.get()
    assert (app.provider, app.name, app.client_id, app.secret) == (
        "google",
        "Google",
        "1234-abc.apps.googleusercontent.com",
        SECRET,
    )
    assert "/accounts/google/login/" in shopper.get("/accounts/login/").content.decode()
    assert shopper.post("/accounts/google/login/").status_code == 302  # on to Google

    assert owner.post(f"{PAGE}google/remove/").status_code == 302

    assert not SocialApp.objects.exists()
    assert "/accounts/google/login/" not in shopper.get("/accounts/login/").content.decode()
    assert shopper.post("/accounts/google/login/").status_code == 404


def test_the_secret_appears_in_no_answer(owner):
    pages = [owner.post(GOOGLE, google_form(), follow=True), owner.get(PAGE)]
    pages.append(owner.post(GOOGLE, google_form(client_id="", secret="another-" + SECRET)))
    pages.append(owner.post(GOOGLE, google_form(client_id="new id")))

    for page in pages:
        html = page.content.decode()
        assert SECRET not in html
        assert "another-" + SECRET not in html
        assert 'type="password"' in html
    assert SocialApp.objects.get().secret == SECRET


def test_an_empty_secret_keeps_the_stored_one_and_a_new_one_replaces_it(owner):
    owner.post(GOOGLE, google_form())

    assert owner.post(GOOGLE, google_form(client_id="rotated-id", secret="")).status_code == 302
    app = SocialApp.objects.get()
    assert (app.client_id, app.secret) == ("rotated-id", SECRET)

    assert owner.post(GOOGLE, google_form(client_id="rotated-id", secret="new")).status_code == 302
    assert SocialApp.objects.get().secret == "new"
    assert SocialApp.objects.count() == 1


def test_a_new_client_without_a_secret_is_refused_next_to_the_field_keeping_the_client_id(owner):
    response = owner.post(GOOGLE, google_form(secret=""))

    assert response.status_code == 400
    assert field_errors(response, "google-secret") == [
        "Enter the client secret the provider gave you."
    ]
    assert 'value="1234-abc.apps.googleusercontent.com"' in section(response, "google")
    assert not SocialApp.objects.exists()


@pytest.mark.parametrize(
    ("client_id", "message"),
    [
        ("", "This field is required."),
        ("two words", "A client ID is one word of at most 191 characters."),
        ("x" * 192, "Ensure this value has at most 191 characters (it has 192)."),
    ],
)
def test_a_bad_client_id_is_refused_next_to_the_field(owner, client_id, message):
    response = owner.post(GOOGLE, google_form(client_id=client_id))

    assert response.status_code == 400
    assert field_errors(response, "google-client_id") == [message]
    assert "Type the secret again: it is never sent back." in section(response, "google")
    assert not SocialApp.objects.exists()


def test_an_unknown_provider_is_not_found(owner):
    assert owner.post(f"{PAGE}twitter/", {"twitter-client_id": "x"}).status_code == 404
    assert owner.post(f"{PAGE}twitter/remove/").status_code == 404
    assert not SocialApp.objects.exists()


def test_the_page_reads_the_clients_in_constant_queries(owner):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner.get(PAGE).status_code == 200
        return len(queries)

    empty = count()
    services.configure_social_login(provider="google", client_id="g", secret="s")
    services.configure_social_login(provider="facebook", client_id="f", secret="s")
    assert count() == empty


def test_changes_are_audited_without_the_secret(owner, in_store):
    owner.post(GOOGLE, google_form())
    owner.post(f"{PAGE}google/remove/")

    entries = AuditLogEntry.objects.filter(tenant=in_store, action__startswith="social_login.")
    assert [(e.action, e.actor_label, e.details["provider"]) for e in entries.order_by("pk")] == [
        ("social_login.configured", "owner@example.com", "google"),
        ("social_login.removed", "owner@example.com", "google"),
    ]
    assert SECRET not in str([entry.details for entry in entries])


# --- The services -------------------------------------------------------------------------------


def test_a_second_client_of_a_provider_is_merged_into_one(in_store):
    SocialApp.objects.create(provider="google", name="Google", client_id="old", secret="a")
    SocialApp.objects.create(provider="google", name="Google", client_id="older", secret="b")

    services.configure_social_login(provider="google", client_id="new", secret="")

    app = SocialApp.objects.get()
    assert (app.client_id, app.secret) == ("new", "a")


def test_another_store_s_clients_are_its_own(in_store, store_b, store_client):
    services.configure_social_login(provider="google", client_id="a-id", secret="a-secret")

    page_b = store_client(store_b).get("/accounts/login/").content.decode()

    assert "/accounts/google/login/" not in page_b
