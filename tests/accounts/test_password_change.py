"""A password change ends every other sign-in of the person: API tokens and sessions."""

import pytest

from accounts.models import AuthToken

from .conftest import PASSWORD, make_customer, token_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Battery-staple-97"
CHANGE = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}


def _signed_in_browser(store_client, store, user):
    browser = store_client(store)
    browser.force_login(user)
    assert browser.get("/account/").status_code == 200
    return browser


def test_password_change_by_api_revokes_every_other_token_and_session_and_rotates_its_own(
    in_store_a, api_client, store_client
):
    user = make_customer()
    stolen = api_client(in_store_a, token=token_for(user))
    other_browser = _signed_in_browser(store_client, in_store_a, user)
    changing_token = token_for(user)
    client = api_client(in_store_a, token=changing_token)

    response = client.post("/api/v1/auth/password/change/", CHANGE, format="json")

    assert response.status_code == 200
    new_key = response.json()["key"]
    assert new_key != changing_token
    assert stolen.get("/api/v1/auth/user/").status_code == 401
    assert client.get("/api/v1/auth/user/").status_code == 401  # the old token is rotated out
    assert api_client(in_store_a, token=new_key).get("/api/v1/auth/user/").status_code == 200
    assert other_browser.get("/account/").status_code == 302  # to the login page
    assert AuthToken.objects.filter(user=user).count() == 1


def test_password_change_by_api_in_a_session_keeps_that_session_only(
    in_store_a, api_client, store_client
):
    user = make_customer()
    stolen = api_client(in_store_a, token=token_for(user))
    other_browser = _signed_in_browser(store_client, in_store_a, user)
    browser = _signed_in_browser(store_client, in_store_a, user)

    response = browser.post(
        "/api/v1/auth/password/change/", CHANGE, content_type="application/json"
    )

    assert response.status_code == 200
    assert "key" not in response.json()
    assert browser.get("/account/").status_code == 200
    assert other_browser.get("/account/").status_code == 302
    assert stolen.get("/api/v1/auth/user/").status_code == 401


def test_password_change_on_the_account_page_ends_tokens_and_other_sessions(
    in_store_a, api_client, store_client
):
    user = make_customer()
    stolen = api_client(in_store_a, token=token_for(user))
    other_browser = _signed_in_browser(store_client, in_store_a, user)
    browser = _signed_in_browser(store_client, in_store_a, user)

    response = browser.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert browser.get("/account/").status_code == 200  # this session stays signed in
    assert other_browser.get("/account/").status_code == 302
    assert stolen.get("/api/v1/auth/user/").status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()  # the refused token is forgotten


def test_a_password_set_outside_the_api_ends_the_tokens_too(in_store_a, api_client):
    """Whatever changes the password (here ``manage.py changepassword``'s way: set_password
    and save) ends the tokens issued before."""
    user = make_customer()
    stolen = api_client(in_store_a, token=token_for(user))
    user.set_password(NEW_PASSWORD)
    user.save()
    assert stolen.get("/api/v1/auth/user/").status_code == 401


def test_a_failed_password_change_ends_nothing(in_store_a, api_client):
    user = make_customer()
    token = token_for(user)
    client = api_client(in_store_a, token=token)
    wrong = {**CHANGE, "old_password": "not-it"}
    assert client.post("/api/v1/auth/password/change/", wrong, format="json").status_code == 400
    assert client.get("/api/v1/auth/user/").status_code == 200
