"""Two-factor authentication (TOTP, allauth.mfa): enrolment, login, and the staff requirement."""

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import connection

from accounts import services
from accounts.models import User

from .conftest import (
    PASSWORD,
    code_for_secret,
    current_totp_code,
    enrol_totp,
    make_customer,
    make_person,
    token_for,
)

pytestmark = pytest.mark.django_db

# TOTP codes change every 30 seconds: tests that compute one stop the clock mid-period.
FROZEN = time_machine.travel("2026-11-25 12:00:05+00:00", tick=False)


def _login(client, email, **extra):
    return client.post(
        "/api/v1/auth/login/", {"email": email, "password": PASSWORD, **extra}, format="json"
    )


@FROZEN
def test_enrolment_by_api_then_login_asks_for_the_code(in_store_a, api_client):
    user = make_customer()
    client = api_client(in_store_a, token=token_for(user))
    status = client.get("/api/v1/auth/mfa/totp/").json()
    assert status["enabled"] is False
    assert status["otpauth_url"].startswith("otpauth://totp/")

    wrong = client.post(
        "/api/v1/auth/mfa/totp/", {"secret": status["secret"], "code": "000000"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"]["fields"] == {"code": ["Invalid code."]}

    code = code_for_secret(status["secret"])
    enrolled = client.post(
        "/api/v1/auth/mfa/totp/", {"secret": status["secret"], "code": code}, format="json"
    )
    assert enrolled.status_code == 201
    assert client.get("/api/v1/auth/mfa/totp/").json() == {"enabled": True, "required": False}

    anonymous = api_client(in_store_a)
    asked = _login(anonymous, user.email)
    assert asked.status_code == 400
    assert asked.json()["error"]["code"] == "mfa_required"
    assert _login(anonymous, user.email, otp="123456").status_code == 400
    login_code = current_totp_code(user)
    assert _login(anonymous, user.email, otp=login_code).status_code == 200
    # A code works once.
    assert _login(anonymous, user.email, otp=login_code).status_code == 400


@FROZEN
def test_removing_totp_needs_a_current_code(in_store_a, api_client):
    user = make_customer()
    enrol_totp(user)
    client = api_client(in_store_a, token=token_for(user))
    assert (
        client.delete("/api/v1/auth/mfa/totp/", {"code": "000000"}, format="json").status_code
        == 400
    )
    code = current_totp_code(user)
    assert client.delete("/api/v1/auth/mfa/totp/", {"code": code}, format="json").status_code == 204
    assert not Authenticator.objects.filter(user=user).exists()


def test_staff_lose_staff_permissions_until_enrolled_once_the_owner_requires_it(
    in_store_a, api_client
):
    owner = make_person("owner")
    support = make_person("support")
    support_client = api_client(in_store_a, token=token_for(support))
    assert support_client.get("/api/v1/auth/api-keys/").status_code == 200

    enrol_totp(owner)
    owner_client = api_client(in_store_a, token=token_for(owner))
    turned_on = owner_client.patch(
        "/api/v1/auth/store/security/", {"require_staff_mfa": True}, format="json"
    )
    assert turned_on.status_code == 200

    refused = support_client.get("/api/v1/auth/api-keys/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "mfa_enrollment_required"
    # Their own account stays open, so that they can enrol.
    assert support_client.get("/api/v1/auth/mfa/totp/").json()["required"] is True
    assert support_client.get("/api/v1/auth/user/").status_code == 200

    enrol_totp(support)
    assert support_client.get("/api/v1/auth/api-keys/").status_code == 200


def test_shoppers_are_not_asked_for_two_factor_by_the_staff_requirement(in_store_a, api_client):
    services.set_store_security(require_staff_mfa=True)
    user = make_customer()
    assert _login(api_client(in_store_a), user.email).status_code == 200


def test_store_admin_sends_unenrolled_staff_to_enrolment(in_store_a, store_client):
    services.set_store_security(require_staff_mfa=True)
    manager = make_person("catalog_manager")
    browser = store_client(in_store_a)
    browser.force_login(manager)
    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


@FROZEN
def test_staff_sign_in_to_the_admin_with_password_then_code(in_store_a, store_client):
    services.set_store_security(require_staff_mfa=True)
    manager = make_person("catalog_manager")
    enrol_totp(manager)
    browser = store_client(in_store_a)

    step_one = browser.post(
        "/accounts/login/?next=/admin/", {"login": manager.email, "password": PASSWORD}
    )
    assert step_one.status_code == 302
    assert step_one["Location"].startswith("/accounts/2fa/authenticate/")
    step_two = browser.post("/accounts/2fa/authenticate/", {"code": current_totp_code(manager)})
    assert step_two.status_code == 302
    assert browser.get("/admin/").status_code == 200


def test_staff_signed_in_without_the_code_are_sent_back_to_the_login(in_store_a, store_client):
    services.set_store_security(require_staff_mfa=True)
    manager = make_person("catalog_manager")
    enrol_totp(manager)
    browser = store_client(in_store_a)
    browser.force_login(manager)  # as the plain admin login form would
    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@FROZEN
def test_platform_admins_always_need_two_factor(platform_client):
    connection.set_schema_to_public()
    admin = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    EmailAddress.objects.create(user=admin, email=admin.email, primary=True, verified=True)
    platform_client.force_login(admin)
    response = platform_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")

    enrol_totp(admin)
    platform_client.logout()
    platform_client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD})
    platform_client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(admin)})
    assert platform_client.get("/admin/").status_code == 200


@FROZEN
def test_two_factor_cannot_be_turned_on_before_the_email_is_verified(in_store_a, api_client):
    user = make_customer(verified=False)
    secret = services.start_totp_enrolment()
    client = api_client(in_store_a, token=token_for(user))
    response = client.post(
        "/api/v1/auth/mfa/totp/", {"secret": secret, "code": code_for_secret(secret)}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "email_not_verified"
    assert not Authenticator.objects.filter(user=user).exists()


def test_the_owner_turns_on_staff_two_factor_in_the_store_admin(
    in_store_a, store_client, two_factor_login
):
    from accounts.models import StoreSecurity

    browser = store_client(in_store_a)
    two_factor_login(browser, make_person("owner"))
    response = browser.post(
        "/django-admin/accounts/storesecurity/add/", {"require_staff_mfa": "on"}
    )
    assert response.status_code == 302
    assert StoreSecurity.current().require_staff_mfa
    # Other staff now enrol before going on.
    support = make_person("support")
    browser.force_login(support)
    next_page = browser.get("/django-admin/accounts/user/")
    assert next_page["Location"].startswith("/accounts/2fa/totp/activate/")


def test_an_owner_without_two_factor_cannot_require_it_of_staff_by_api(in_store_a, api_client):
    from accounts.models import StoreSecurity

    owner = make_person("owner")
    client = api_client(in_store_a, token=token_for(owner))
    response = client.patch(
        "/api/v1/auth/store/security/", {"require_staff_mfa": True}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"require_staff_mfa"}
    assert not StoreSecurity.current().require_staff_mfa
    # The owner keeps access: the policy can still be read and changed.
    assert client.get("/api/v1/auth/store/security/").status_code == 200


def test_an_owner_without_two_factor_cannot_require_it_of_staff_in_the_store_admin(
    in_store_a, store_client
):
    from accounts.models import StoreSecurity

    browser = store_client(in_store_a)
    browser.force_login(make_person("owner"))
    response = browser.post(
        "/django-admin/accounts/storesecurity/add/", {"require_staff_mfa": "on"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert b"Enrol a TOTP authenticator yourself" in response.content
    assert not StoreSecurity.current().require_staff_mfa
    assert browser.get("/django-admin/accounts/storesecurity/").status_code == 200


@pytest.mark.parametrize("secret", ["not base32!", "0189", "JBSWY3DP\u00e9", "JBSWY3DP"])
def test_a_totp_secret_that_is_not_base32_of_128_bits_is_a_field_error(
    in_store_a, api_client, secret
):
    user = make_customer()
    client = api_client(in_store_a, token=token_for(user))
    response = client.post(
        "/api/v1/auth/mfa/totp/", {"secret": secret, "code": "123456"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"secret"}
    assert not Authenticator.objects.filter(user=user).exists()
