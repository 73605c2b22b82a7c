"""Signing in and out by API: tokens, lockout, throttling, passwords, cross-store isolation."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from accounts.models import User

from .conftest import PASSWORD, make_customer, token_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Battery-staple-97"


def _login(client, email="shopper@example.com", password=PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/login/", {"email": email, "password": password, **extra}, format="json"
    )


def test_login_returns_a_token_that_authenticates_the_api(in_store_a, api_client):
    make_customer()
    response = _login(api_client(in_store_a))
    assert response.status_code == 200
    token = response.json()["key"]
    profile = api_client(in_store_a, token=token).get("/api/v1/auth/user/")
    assert profile.status_code == 200
    assert profile.json()["email"] == "shopper@example.com"
    assert profile.json()["roles"] == ["customer"]


def test_wrong_password_is_a_400_without_saying_which_part_was_wrong(in_store_a, api_client):
    make_customer()
    response = _login(api_client(in_store_a), password="not-it")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"] == [
        "Unable to log in with the email and password provided."
    ]


def test_account_is_locked_after_five_failures_even_with_the_right_password(in_store_a, api_client):
    make_customer()
    client = api_client(in_store_a)
    for _ in range(5):
        assert _login(client, password="wrong-password").status_code == 400
    locked = _login(client)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "throttled"
    assert locked["Retry-After"] == str(15 * 60)  # the lockout window of LOGIN_FAILED_RATE_LIMIT

    fifteen_minutes_later = datetime.now(UTC) + timedelta(minutes=16)
    with time_machine.travel(fifteen_minutes_later, tick=False):
        assert _login(client).status_code == 200


def test_an_ip_is_locked_out_after_twenty_failures_across_accounts(in_store_a, api_client):
    client = api_client(in_store_a)
    for attempt in range(20):
        _login(client, email=f"guess{attempt}@example.com", password="wrong-password")
    make_customer()
    assert _login(client).status_code == 429
    other_ip = api_client(in_store_a)
    other_ip.defaults["REMOTE_ADDR"] = "10.0.0.7"
    assert _login(other_ip).status_code == 200


def test_lockout_at_one_store_does_not_lock_the_same_email_at_another(store_a, store_b, api_client):
    for store in (store_a, store_b):
        connection.set_tenant(store)
        make_customer()
    for _ in range(6):
        _login(api_client(store_a), password="wrong-password")
    assert _login(api_client(store_a)).status_code == 429
    assert _login(api_client(store_b)).status_code == 200


def test_login_with_missing_fields_lists_them(in_store_a, api_client):
    response = api_client(in_store_a).post("/api/v1/auth/login/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"email", "password"}


def test_logout_deletes_the_token(in_store_a, api_client):
    user = make_customer()
    client = api_client(in_store_a, token=token_for(user))
    assert client.post("/api/v1/auth/logout/").status_code == 200
    after = client.get("/api/v1/auth/user/")
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "authentication_failed"


def test_a_store_a_token_is_not_authenticated_at_store_b(store_a, store_b, api_client):
    connection.set_tenant(store_a)
    token = token_for(make_customer())
    response = api_client(store_b, token=token).get("/api/v1/auth/user/")
    assert response.status_code == 401


def test_a_store_a_session_is_not_authenticated_at_store_b(
    store_a, store_b, store_client, api_client
):
    connection.set_tenant(store_a)
    user = make_customer()
    client_a = store_client(store_a)
    client_a.force_login(user)
    session_cookie = client_a.cookies["sessionid"].value
    assert client_a.get("/api/v1/auth/user/").status_code == 200

    client_b = store_client(store_b)
    client_b.cookies["sessionid"] = session_cookie
    assert client_b.get("/api/v1/auth/user/").status_code == 401
    assert client_b.get("/account/").status_code == 302  # storefront: to the login page


def test_unauthenticated_requests_get_401_in_the_error_shape(in_store_a, api_client):
    response = api_client(in_store_a).get("/api/v1/auth/user/")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
        }
    }
    assert response["WWW-Authenticate"] == "Token"


# --- Password reset and change ----------------------------------------------------------------


def _reset_link(message) -> tuple[str, str]:
    match = re.search(r"/accounts/password/reset/key/([0-9a-z]+)-([^/\s]+)/", message.body)
    return match.group(1), match.group(2)


def _confirm(client, uid, token, password=NEW_PASSWORD):
    body = {"uid": uid, "token": token, "new_password1": password, "new_password2": password}
    return client.post("/api/v1/auth/password/reset/confirm/", body, format="json")


def test_password_reset_link_sets_a_new_password_once(in_store_a, api_client):
    user = make_customer()
    stolen_token = token_for(user)
    client = api_client(in_store_a)
    response = client.post(
        "/api/v1/auth/password/reset/", {"email": "shopper@example.com"}, format="json"
    )
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    assert f"http://{in_store_a.primary_host}/accounts/password/reset/key/" in mail.outbox[0].body
    # The shopper reads the store's name, not its host name.
    assert mail.outbox[0].subject == f"[{in_store_a.name}] Password Reset Email"
    assert mail.outbox[0].body.startswith(f"Hello from {in_store_a.name}!\n")
    uid, token = _reset_link(mail.outbox[0])

    assert _confirm(client, uid, token).status_code == 200
    assert _login(client, password=NEW_PASSWORD).status_code == 200
    assert api_client(in_store_a, token=stolen_token).get("/api/v1/auth/user/").status_code == 401

    reused = _confirm(client, uid, token, password="Another-pass-123")
    assert reused.status_code == 400
    assert "token" in reused.json()["error"]["fields"]


def test_expired_password_reset_link_is_refused(in_store_a, api_client):
    make_customer()
    client = api_client(in_store_a)
    client.post("/api/v1/auth/password/reset/", {"email": "shopper@example.com"}, format="json")
    uid, token = _reset_link(mail.outbox[0])
    four_hours_later = datetime.now(UTC) + timedelta(hours=4)
    with time_machine.travel(four_hours_later, tick=False):
        response = _confirm(client, uid, token)
    assert response.status_code == 400
    assert _login(client).status_code == 200  # the old password still works


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(
    in_store_a, api_client
):
    response = api_client(in_store_a).post(
        "/api/v1/auth/password/reset/", {"email": "nobody@example.com"}, format="json"
    )
    assert response.status_code == 200
    assert all("password/reset/key" not in message.body for message in mail.outbox)


def test_password_reset_link_from_store_a_does_nothing_at_store_b(store_a, store_b, api_client):
    for store in (store_a, store_b):
        connection.set_tenant(store)
        make_customer()
    api_client(store_a).post(
        "/api/v1/auth/password/reset/", {"email": "shopper@example.com"}, format="json"
    )
    uid, token = _reset_link(mail.outbox[0])
    assert _confirm(api_client(store_b), uid, token).status_code == 400


def test_password_change_needs_the_old_password(in_store_a, api_client):
    user = make_customer()
    client = api_client(in_store_a, token=token_for(user))
    wrong = client.post(
        "/api/v1/auth/password/change/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        format="json",
    )
    assert wrong.status_code == 400
    assert "old_password" in wrong.json()["error"]["fields"]
    right = client.post(
        "/api/v1/auth/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        format="json",
    )
    assert right.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2")


def test_storefront_login_rotates_the_session_key(in_store_a, store_client):
    make_customer()
    client = store_client(in_store_a)
    anonymous_session = client.session
    anonymous_session["basket"] = "kept"
    anonymous_session.save()
    before = anonymous_session.session_key
    response = client.post(
        "/accounts/login/", {"login": "shopper@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["basket"] == "kept"


def test_storefront_forms_require_csrf(in_store_a):
    from django.test import Client

    make_customer()
    client = Client(HTTP_HOST=in_store_a.primary_host, enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"login": "shopper@example.com", "password": PASSWORD}
    )
    assert response.status_code == 403


def test_user_model_is_unchanged_by_a_failed_login(in_store_a, api_client):
    user = make_customer()
    _login(api_client(in_store_a), password="wrong")
    assert User.objects.get(pk=user.pk).last_login is None


def test_the_storefront_and_the_api_share_one_lockout(in_store_a, api_client, store_client):
    make_customer()
    browser = store_client(in_store_a)
    for _ in range(5):
        browser.post("/accounts/login/", {"login": "shopper@example.com", "password": "wrong"})
    page = browser.post("/accounts/login/", {"login": "shopper@example.com", "password": PASSWORD})
    assert page.status_code == 200
    assert b"Too many failed login attempts" in page.content
    assert _login(api_client(in_store_a)).status_code == 429
