"""Secrets are never readable: not in any admin, by any role, and tokens are stored as digests."""

import hashlib
import types

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.db import connection
from django.urls import NoReverseMatch, reverse

from accounts import permissions, services
from accounts.models import ApiKey, AuthToken

from .conftest import PASSWORD, enrol_totp, make_customer, make_person

pytestmark = pytest.mark.django_db

SECRET_ADMIN_PAGES = [
    "/django-admin/mfa/authenticator/",
    "/django-admin/socialaccount/socialtoken/",
    "/django-admin/account/emailconfirmation/",
    "/django-admin/authtoken/tokenproxy/",
    "/django-admin/accounts/authtoken/",
    "/django-admin/accounts/companyinvitation/",
]


@pytest.fixture
def owner_secrets(in_store_a):
    """The owner, with one of each secret: a sign-in token, a TOTP authenticator, an OAuth
    token, an email confirmation key, an OAuth client secret and an API key."""
    owner = make_person("owner")
    token_key = services.issue_auth_token(user=owner).key
    totp_secret = enrol_totp(owner)
    app = SocialApp.objects.create(
        provider="google", name="Google", client_id="client-1", secret="oauth-client-secret"
    )
    account = SocialAccount.objects.create(user=owner, provider="google", uid="42")
    SocialToken.objects.create(app=app, account=account, token="oauth-access-token")
    confirmation = EmailConfirmation.create(EmailAddress.objects.get(user=owner))
    api_key = services.create_api_key(name="ERP", scopes=["catalog:read"], created_by=owner)
    return {
        "owner": owner,
        "app": app,
        "values": [
            token_key,
            totp_secret,
            "oauth-client-secret",
            "oauth-access-token",
            confirmation.key,
            api_key.secret,
            api_key.api_key.digest,
        ],
    }


def test_no_admin_registers_a_model_that_holds_secrets():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered.isdisjoint(
        {
            "mfa.authenticator",
            "socialaccount.socialtoken",
            "account.emailconfirmation",
            "authtoken.tokenproxy",
            "authtoken.token",
            "accounts.authtoken",
            "accounts.companyinvitation",
            "sessions.session",
        }
    )


@pytest.mark.parametrize("role", ["support", "owner"])
def test_no_role_reads_secrets_in_the_store_admin(owner_secrets, store_client, role, in_store_a):
    browser = store_client(in_store_a)
    person = owner_secrets["owner"] if role == "owner" else make_person(role)
    if role == "owner":
        from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

        browser.force_login(person)
        session = browser.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "totp"}]
        session.save()
    else:
        browser.force_login(person)
    for page in SECRET_ADMIN_PAGES:
        assert browser.get(page).status_code == 404, page
    api_key = ApiKey.objects.get()
    pages = [
        "/django-admin/",
        "/django-admin/accounts/apikey/",
        f"/django-admin/accounts/apikey/{api_key.pk}/change/",
        f"/django-admin/accounts/user/{owner_secrets['owner'].pk}/change/",
        "/django-admin/socialaccount/socialapp/",
        f"/django-admin/socialaccount/socialapp/{owner_secrets['app'].pk}/change/",
        "/django-admin/socialaccount/socialaccount/",
    ]
    for page in pages:
        content = browser.get(page).content.decode()
        for secret in owner_secrets["values"]:
            assert secret not in content, (page, secret)


def test_support_cannot_read_api_tokens_in_admin(owner_secrets, store_client, in_store_a):
    browser = store_client(in_store_a)
    browser.force_login(make_person("support"))
    assert browser.get("/django-admin/accounts/user/").status_code == 200
    assert browser.get("/django-admin/socialaccount/socialapp/").status_code == 403
    assert browser.get("/django-admin/socialaccount/socialaccount/").status_code == 403


@pytest.mark.parametrize(
    "permission",
    [
        "mfa.view_authenticator",
        "socialaccount.view_socialtoken",
        "socialaccount.view_socialapp",
        "account.view_emailconfirmation",
        "accounts.view_authtoken",
        "accounts.view_companyinvitation",
        "authtoken.view_tokenproxy",
        "sessions.view_session",
        "wagtailcore.view_apitoken",
        "wagtailcore.view_pageviewrestriction",
    ],
)
def test_support_holds_no_view_permission_on_secrets(in_store_a, permission):
    assert not make_person("support").has_perm(permission)


def test_support_reads_the_business_models_of_its_explicit_list(in_store_a):
    support = make_person("support")
    for model in permissions.SUPPORT_READABLE_MODELS:
        app_label, model_name = model.split(".")
        assert support.has_perm(f"{app_label}.view_{model_name}"), model
        assert not support.has_perm(f"{app_label}.change_{model_name}"), model


def test_the_wagtail_admin_offers_no_token_screens():
    with pytest.raises(NoReverseMatch):
        reverse("wagtailusers_api_tokens:index")


def test_the_oauth_client_secret_is_write_only_in_the_store_admin(
    owner_secrets, store_client, in_store_a
):
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    app = owner_secrets["app"]
    browser = store_client(in_store_a)
    browser.force_login(owner_secrets["owner"])
    session = browser.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "totp"}]
    session.save()
    url = f"/django-admin/socialaccount/socialapp/{app.pk}/change/"
    form = {"provider": "google", "name": "Google", "client_id": "client-2", "secret": ""}
    assert browser.post(url, form).status_code == 302
    app.refresh_from_db()
    assert (app.client_id, app.secret) == ("client-2", "oauth-client-secret")  # kept
    assert browser.post(url, {**form, "secret": "rotated-secret"}).status_code == 302
    app.refresh_from_db()
    assert app.secret == "rotated-secret"
    assert "rotated-secret" not in browser.get(url).content.decode()


def test_sign_in_tokens_are_stored_as_digests_only(in_store_a, api_client):
    user = make_customer()
    response = api_client(in_store_a).post(
        "/api/v1/auth/login/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    key = response.json()["key"]
    stored = AuthToken.objects.get(user=user)
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(value) for value in vars(stored).values()}
    assert api_client(in_store_a, token=key).get("/api/v1/auth/user/").status_code == 200


def test_a_deactivated_persons_token_is_refused(in_store_a, api_client):
    user = make_customer()
    key = services.issue_auth_token(user=user).key
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = api_client(in_store_a, token=key).get("/api/v1/auth/user/")
    assert response.status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()  # and forgotten


def test_each_login_issues_its_own_token_and_logout_ends_only_its_own(in_store_a, api_client):
    user = make_customer()
    body = {"email": user.email, "password": PASSWORD}
    laptop = api_client(in_store_a).post("/api/v1/auth/login/", body, format="json").json()["key"]
    phone = api_client(in_store_a).post("/api/v1/auth/login/", body, format="json").json()["key"]
    assert laptop != phone
    assert api_client(in_store_a, token=laptop).post("/api/v1/auth/logout/").status_code == 200
    assert api_client(in_store_a, token=laptop).get("/api/v1/auth/user/").status_code == 401
    assert api_client(in_store_a, token=phone).get("/api/v1/auth/user/").status_code == 200


def test_the_migration_hashes_existing_plaintext_tokens_in_place(in_store_a, api_client):
    """Tokens issued before the upgrade (DRF's plaintext table) keep working, hashed."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0005_hash_existing_sign_in_tokens")
    user = make_customer()
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamptz NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, now() - interval '1 day', %s)",
            [old_key, user.pk],
        )
    migration.hash_existing_tokens(apps, types.SimpleNamespace(connection=connection))

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{in_store_a.schema_name}.authtoken_token"])
        assert cursor.fetchone() == (None,)  # the plaintext table is gone
    stored = AuthToken.objects.get(user=user)
    assert stored.digest == hashlib.sha256(old_key.encode()).hexdigest()
    assert api_client(in_store_a, token=old_key).get("/api/v1/auth/user/").status_code == 200
