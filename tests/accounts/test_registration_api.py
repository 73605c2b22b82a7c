"""Shoppers sign up by API, verify their email by the emailed link, then sign in."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from accounts.models import User

from .conftest import PASSWORD, make_customer

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}


def _verification_key(message) -> str:
    return re.search(r"/accounts/confirm-email/([^/\s]+)/", message.body).group(1)


def test_signup_emails_a_verification_link_and_login_waits_for_it(store_a, api_client):
    client = api_client(store_a)
    response = client.post("/api/v1/auth/registration/", SIGNUP, format="json")
    assert response.status_code == 201, response.json()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]

    login = {"email": "new@example.com", "password": PASSWORD}
    refused = client.post("/api/v1/auth/login/", login, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["non_field_errors"] == [
        "Email address is not verified."
    ]

    key = _verification_key(mail.outbox[0])
    verified = client.post("/api/v1/auth/registration/verify-email/", {"key": key}, format="json")
    assert verified.status_code == 200
    response = client.post("/api/v1/auth/login/", login, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"key"}


def test_verification_link_opens_the_storefront_confirmation_page(store_a, store_client):
    client = store_client(store_a)
    client.post("/accounts/signup/", {**SIGNUP})
    key = _verification_key(mail.outbox[-1])
    page = client.get(f"/accounts/confirm-email/{key}/")
    assert page.status_code == 200
    confirmed = client.post(f"/accounts/confirm-email/{key}/")
    assert confirmed.status_code == 302
    from django.db import connection

    connection.set_tenant(store_a)
    assert User.objects.get(email="new@example.com").emailaddress_set.get().verified


def test_expired_verification_link_is_refused(store_a, api_client):
    client = api_client(store_a)
    client.post("/api/v1/auth/registration/", SIGNUP, format="json")
    key = _verification_key(mail.outbox[0])
    four_days_later = datetime.now(UTC) + timedelta(days=4)
    with time_machine.travel(four_days_later, tick=False):
        response = client.post(
            "/api/v1/auth/registration/verify-email/", {"key": key}, format="json"
        )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_signup_with_a_weak_password_answers_field_errors(store_a, api_client):
    body = {"email": "weak@example.com", "password1": "123", "password2": "123"}
    response = api_client(store_a).post("/api/v1/auth/registration/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "password1" in error["fields"]


def test_signup_with_a_taken_email_answers_as_for_a_new_one_and_emails_the_owner(
    store_a, api_client
):
    from django.db import connection

    client = api_client(store_a)
    first = client.post("/api/v1/auth/registration/", SIGNUP, format="json")
    connection.set_tenant(store_a)
    make_customer("taken@example.com")
    other_password = "Other-pass-1234"
    body = {"email": "TAKEN@example.com", "password1": other_password, "password2": other_password}
    again = client.post("/api/v1/auth/registration/", body, format="json")

    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    warning = mail.outbox[-1]
    assert warning.to == ["taken@example.com"]
    assert "an account using that email address already exists" in warning.body
    assert "/accounts/password/reset/" in warning.body
    connection.set_tenant(store_a)
    account = User.objects.get(email__iexact="taken@example.com")
    assert account.check_password(PASSWORD)  # untouched
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_repeated_signups_with_a_taken_email_send_one_warning(store_a, api_client):
    from django.db import connection

    connection.set_tenant(store_a)
    make_customer("taken@example.com")
    body = {**SIGNUP, "email": "taken@example.com"}
    for _ in range(3):
        response = api_client(store_a).post("/api/v1/auth/registration/", body, format="json")
        assert response.status_code == 201
    assert len(mail.outbox) == 1


def test_signup_page_with_a_taken_email_says_the_same_and_emails_the_owner(store_a, store_client):
    from django.db import connection

    connection.set_tenant(store_a)
    make_customer("taken@example.com")
    response = store_client(store_a).post(
        "/accounts/signup/", {**SIGNUP, "email": "taken@example.com"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert mail.outbox[-1].to == ["taken@example.com"]
    assert "already exists" in mail.outbox[-1].body


def test_the_same_email_can_sign_up_at_two_stores(store_a, store_b, api_client):
    assert (
        api_client(store_a).post("/api/v1/auth/registration/", SIGNUP, format="json").status_code
        == 201
    )
    assert (
        api_client(store_b).post("/api/v1/auth/registration/", SIGNUP, format="json").status_code
        == 201
    )


def test_signups_from_one_address_are_throttled(store_a, api_client):
    client = api_client(store_a)
    for number in range(10):
        body = {**SIGNUP, "email": f"bulk{number}@example.com"}
        assert client.post("/api/v1/auth/registration/", body, format="json").status_code == 201
    response = client.post(
        "/api/v1/auth/registration/", {**SIGNUP, "email": "bulk11@example.com"}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_a_verification_key_from_store_a_verifies_nothing_at_store_b(store_a, store_b, api_client):
    from allauth.account.models import EmailAddress
    from django.db import connection

    api_client(store_a).post("/api/v1/auth/registration/", SIGNUP, format="json")
    key = _verification_key(mail.outbox[-1])
    connection.set_tenant(store_a)
    same_id = EmailAddress.objects.get(email="new@example.com").pk
    # At store B, someone else's unverified address happens to have the same id.
    connection.set_tenant(store_b)
    victim = User.objects.create_user("victim@example.com", "victim@example.com", PASSWORD)
    EmailAddress.objects.create(pk=same_id, user=victim, email=victim.email, primary=True)

    response = api_client(store_b).post(
        "/api/v1/auth/registration/verify-email/", {"key": key}, format="json"
    )
    assert response.status_code == 404
    connection.set_tenant(store_b)
    assert not EmailAddress.objects.get(pk=same_id).verified
