"""Platform admins sign in at the platform host in one flow: email and password, TOTP (enrolled
on the first sign-in, recovery codes shown once), then the admin. Nobody signs up there."""

import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.db import connection

from accounts.models import User

from .conftest import PASSWORD, code_for_secret

pytestmark = pytest.mark.django_db

FIRST_SIGN_IN = "2026-11-25 12:00:05+00:00"
NEXT_DAY = "2026-11-26 09:00:05+00:00"


def _platform_admin() -> User:
    connection.set_schema_to_public()
    admin = User.objects.create_superuser("root@example.com", "root@example.com", PASSWORD)
    EmailAddress.objects.create(user=admin, email=admin.email, primary=True, verified=True)
    return admin


def _secret_shown_on(page) -> str:
    field = re.search(r'<input[^>]*id="authenticator_secret"[^>]*>', page.content.decode())
    return re.search(r'value="([A-Z2-7]+)"', field.group(0)).group(1)


def _recovery_codes(admin: User) -> list[str]:
    authenticator = Authenticator.objects.get(user=admin, type=Authenticator.Type.RECOVERY_CODES)
    return authenticator.wrap().get_unused_codes()


def test_first_sign_in_enrols_totp_then_opens_the_admin_with_one_password_prompt(
    platform_client,
):
    admin = _platform_admin()
    browser = platform_client
    with time_machine.travel(FIRST_SIGN_IN, tick=False):
        to_login = browser.get("/admin/")
        assert to_login.status_code == 302
        # The admin's own (password-only) login form is never used: allauth's login is.
        login_page = browser.get(to_login["Location"], follow=True)
        assert login_page.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"
        assert login_page.status_code == 200

        signed_in = browser.post(
            "/accounts/login/?next=/admin/", {"login": admin.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 302
        assert signed_in["Location"] == "/admin/"
        to_enrolment = browser.get("/admin/")
        assert to_enrolment.status_code == 302
        assert to_enrolment["Location"] == "/accounts/2fa/totp/activate/?next=/admin/"

        # No "confirm access" (second password prompt): the enrolment page itself.
        enrolment = browser.get(to_enrolment["Location"])
        assert enrolment.status_code == 200
        secret = _secret_shown_on(enrolment)

        wrong = browser.post("/accounts/2fa/totp/activate/", {"code": "000000"})
        assert wrong.status_code == 200
        assert not Authenticator.objects.filter(user=admin).exists()
        enrolled = browser.post("/accounts/2fa/totp/activate/", {"code": code_for_secret(secret)})
        assert enrolled.status_code == 302
        assert enrolled["Location"] == "/accounts/2fa/recovery-codes/?next=%2Fadmin%2F"

        codes_page = browser.get(enrolled["Location"])
        assert codes_page.status_code == 200
        codes = _recovery_codes(admin)
        assert codes and all(code in codes_page.content.decode() for code in codes)
        assert 'href="/admin/"' in codes_page.content.decode()  # "Continue"

        assert browser.get("/admin/").status_code == 200
        # Shown once: the page no longer reveals them.
        again = browser.get("/accounts/2fa/recovery-codes/")
        assert again.status_code == 200
        assert not any(code in again.content.decode() for code in codes)
        browser.post("/accounts/logout/")

    with time_machine.travel(NEXT_DAY, tick=False):
        assert browser.get("/admin/").status_code == 302
        password = browser.post(
            "/accounts/login/?next=/admin/", {"login": admin.email, "password": PASSWORD}
        )
        assert password.status_code == 302
        assert password["Location"].startswith("/accounts/2fa/authenticate/")
        code = browser.post("/accounts/2fa/authenticate/", {"code": code_for_secret(secret)})
        assert code.status_code == 302
        assert code["Location"] == "/admin/"
        assert browser.get("/admin/").status_code == 200


def test_a_platform_admin_signs_in_with_a_recovery_code_when_the_phone_is_lost(
    platform_client, two_factor_login
):
    admin = _platform_admin()
    with time_machine.travel(FIRST_SIGN_IN, tick=False):
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(admin, generate_totp_secret())
        codes = RecoveryCodes.activate(admin).get_unused_codes()
        platform_client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD})
        signed_in = platform_client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
        assert signed_in.status_code == 302
        # Without a "next", a platform admin lands in the admin, not on the platform's home.
        assert signed_in["Location"] == "/admin/"
        assert platform_client.get("/admin/").status_code == 200


def test_the_platform_login_page_offers_no_sign_up(platform_client):
    page = platform_client.get("/accounts/login/?next=/admin/")
    assert page.status_code == 200
    assert "/accounts/signup/" not in page.content.decode()
    assert "sign up" not in page.content.decode().lower()


def test_nobody_signs_up_at_the_platform_host(platform_client):
    assert platform_client.get("/accounts/signup/").status_code == 404
    refused = platform_client.post(
        "/accounts/signup/",
        {"email": "intruder@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert refused.status_code == 404
    connection.set_schema_to_public()
    assert not User.objects.filter(email="intruder@example.com").exists()


def test_stores_keep_their_storefront_sign_up(store_a, store_client):
    browser = store_client(store_a)
    assert browser.get("/accounts/signup/").status_code == 200
    login_page = browser.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" in login_page


def test_a_password_reset_for_an_unknown_address_at_the_platform_offers_no_sign_up(
    platform_client,
):
    response = platform_client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_store_staff_enrol_once_asked_and_land_back_in_the_store_admin(store_a, store_client):
    from accounts import services

    from .conftest import make_person

    connection.set_tenant(store_a)
    services.set_store_security(require_staff_mfa=True)
    manager = make_person("catalog_manager")
    browser = store_client(store_a)
    with time_machine.travel(FIRST_SIGN_IN, tick=False):
        browser.post(
            "/accounts/login/?next=/admin/", {"login": manager.email, "password": PASSWORD}
        )
        to_enrolment = browser.get("/admin/")
        assert to_enrolment["Location"] == "/accounts/2fa/totp/activate/?next=/admin/"
        enrolment = browser.get(to_enrolment["Location"])
        assert enrolment.status_code == 200
        secret = _secret_shown_on(enrolment)
        enrolled = browser.post("/accounts/2fa/totp/activate/", {"code": code_for_secret(secret)})
        codes_page = browser.get(enrolled["Location"])
        assert 'href="/admin/"' in codes_page.content.decode()
        assert browser.get("/admin/").status_code == 200
