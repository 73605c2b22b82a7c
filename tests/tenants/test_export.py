"""The store export: an allow-list of what a merchant needs; no secret of any kind in it."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.utils import timezone
from wagtail.models import APIToken, Page, PageViewRestriction

from accounts.models import Company, CompanyInvitation, CompanyMembership, digest_secret
from accounts.services import create_api_key
from tenants.export import EXPORTED_FIELDS, NOT_EXPORTED

User = get_user_model()


@pytest.fixture
def admin_client(platform_client, two_factor_login):
    connection.set_schema_to_public()
    admin = User.objects.create_superuser("ops", "ops@mercato.test", "Platform-pass-1")
    two_factor_login(platform_client, admin)
    return platform_client


@pytest.fixture
def store_full_of_secrets(store_a, store_owner_client, store_client):
    """Store A with one of every secret-bearing object; returns (owner client, secret values)."""
    owner_client = store_owner_client(store_a)  # a session in the store's schema
    connection.set_tenant(store_a)
    owner = User.objects.get(staff_role=User.StaffRole.OWNER)
    shopper = User.objects.create_user("shopper", "shopper@example.com", "Shopper-pass-1")
    address = EmailAddress.objects.create(
        user=shopper, email=shopper.email, primary=True, verified=True
    )
    confirmation = EmailConfirmation.create(address)
    confirmation.save()
    totp_secret = generate_totp_secret()
    TOTP.activate(owner, totp_secret)
    recovery = RecoveryCodes.activate(owner)
    issued = create_api_key(name="ERP", scopes=["catalog:read"], created_by=owner)
    app = SocialApp.objects.create(
        provider="google", name="Google", client_id="client-id-x1", secret="oauth-secret-x2"
    )
    account = SocialAccount.objects.create(
        user=shopper, provider="google", uid="1234", extra_data={"id_token": "id-token-x3"}
    )
    SocialToken.objects.create(
        app=app, account=account, token="access-token-x4", token_secret="refresh-token-x5"
    )
    _, wagtail_token = APIToken.create_token(user=owner, name="CMS")
    company = Company.objects.create(name="Acme Ltd")
    invitation_secret = "invitation-secret-x7"
    CompanyInvitation.objects.create(
        company=company,
        email="buyer@example.com",
        role=CompanyMembership.Role.BUYER,
        digest=digest_secret(invitation_secret),
        invited_by=owner,
        expires_at=timezone.now() + timedelta(days=7),
    )
    PageViewRestriction.objects.create(
        page=Page.objects.filter(depth=2).first(),
        restriction_type=PageViewRestriction.PASSWORD,
        password="page-password-x6",
    )
    connection.set_schema_to_public()
    login = store_client(store_a).post(
        "/api/v1/auth/login/",
        {"email": "shopper@example.com", "password": "Shopper-pass-1"},
        content_type="application/json",
    )
    assert login.status_code == 200, login.content

    connection.set_tenant(store_a)
    secrets = {
        "login token": login.json()["key"],
        "API key": issued.secret,
        "TOTP secret": totp_secret,
        "email confirmation key": confirmation.key,
        "OAuth app secret": "oauth-secret-x2",
        "OAuth id token": "id-token-x3",
        "OAuth access token": "access-token-x4",
        "OAuth refresh token": "refresh-token-x5",
        "Wagtail API token": wagtail_token,
        "page password": "page-password-x6",
        "company invitation secret": invitation_secret,
    }
    for number, code in enumerate(recovery.get_unused_codes()):
        secrets[f"recovery code {number}"] = code
    for user in User.objects.all():
        secrets[f"password hash of {user.username}"] = user.password
    for session in Session.objects.all():
        secrets[f"session key {session.pk[:4]}"] = session.session_key
        secrets[f"session data {session.pk[:4]}"] = session.session_data
    for row in apps.get_model("accounts", "authtoken").objects.all():
        secrets[f"stored token digest {row.pk}"] = row.digest
        secrets[f"stored token fingerprint {row.pk}"] = row.password_fingerprint
    for row in apps.get_model("accounts", "companyinvitation").objects.all():
        secrets[f"invitation digest {row.pk}"] = row.digest
    for key in apps.get_model("accounts", "apikey").objects.all():
        secrets[f"API key digest {key.pk}"] = key.digest
        secrets[f"API key prefix {key.pk}"] = key.prefix
    for authenticator in apps.get_model("mfa", "authenticator").objects.all():
        for name, value in authenticator.data.items():
            if isinstance(value, str) and len(value) >= 8:
                secrets[f"MFA {authenticator.type} {name}"] = value
    for token in APIToken.objects.all():
        secrets[f"Wagtail token hash {token.pk}"] = token.key_hash
    connection.set_schema_to_public()
    return owner_client, secrets


def _leaked(text: str, secrets: dict[str, str]) -> list[str]:
    return [name for name, value in secrets.items() if value and value in text]


def test_owner_export_contains_no_secret_of_any_kind(store_full_of_secrets):
    owner_client, secrets = store_full_of_secrets
    response = owner_client.get("/api/v1/store/export/")
    assert response.status_code == 200
    text = response.content.decode()
    assert _leaked(text, secrets) == []
    # ...while it still carries what the merchant needs.
    data = json.loads(text)["data"]
    assert "shopper@example.com" in {user["email"] for user in data["accounts.user"]}
    assert [key["name"] for key in data["accounts.apikey"]] == ["ERP"]
    assert {"account.emailconfirmation", "mfa.authenticator", "socialaccount.socialapp"}.isdisjoint(
        data
    )


def test_platform_admin_export_contains_no_secret_of_any_kind(store_full_of_secrets, admin_client):
    _, secrets = store_full_of_secrets
    from tenants.models import Tenant

    store_a = Tenant.objects.get(schema_name="store_a")
    response = admin_client.post(
        "/admin/tenants/tenant/", {"action": "export_json", "_selected_action": [store_a.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert _leaked(response.content.decode(), secrets) == []


def test_every_store_model_is_either_exported_or_left_out_on_purpose():
    tenant_apps = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    store_models = {
        model._meta.label_lower
        for model in apps.get_models()
        if not model._meta.proxy
        and (
            model._meta.app_config.label in tenant_apps
            or model._meta.app_config.name.rsplit(".", 1)[-1] in tenant_apps
        )
    }
    assert set(EXPORTED_FIELDS).isdisjoint(NOT_EXPORTED)
    assert store_models - set(EXPORTED_FIELDS) - set(NOT_EXPORTED) == set()


def test_every_exported_field_exists():
    missing = []
    for label, fields in EXPORTED_FIELDS.items():
        model = apps.get_model(label)
        for name in fields:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                missing.append(f"{label}.{name}")
    assert missing == []
