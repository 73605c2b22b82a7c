"""Social login (Google, Facebook) configured per store, against local HTTP servers that
answer as the providers document their token and user-info endpoints."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.facebook import flows as facebook_flows
from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from django.core import mail
from django.db import connection

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def google(httpserver, monkeypatch):
    """Google's token and user-info endpoints, served locally."""
    monkeypatch.setattr(GoogleOAuth2Adapter, "access_token_url", httpserver.url_for("/token"))
    monkeypatch.setattr(GoogleOAuth2Adapter, "identity_url", httpserver.url_for("/userinfo"))
    return httpserver


@pytest.fixture
def facebook(httpserver, monkeypatch):
    graph = httpserver.url_for("/v19.0")
    monkeypatch.setattr(FacebookOAuth2Adapter, "access_token_url", f"{graph}/oauth/access_token")
    monkeypatch.setattr(facebook_flows, "GRAPH_API_URL", graph)
    return httpserver


def _configure(provider: str, client_id: str) -> SocialApp:
    return SocialApp.objects.create(
        provider=provider, name=provider.title(), client_id=client_id, secret=f"{client_id}-secret"
    )


def _start(browser, provider: str) -> str:
    """Press the provider's button; return the ``state`` sent to the provider."""
    response = browser.post(f"/accounts/{provider}/login/")
    assert response.status_code == 302
    authorize = urlparse(response["Location"])
    return parse_qs(authorize.query)["state"][0]


def test_login_page_shows_only_the_providers_the_store_configured(store_a, store_b, store_client):
    connection.set_tenant(store_a)
    _configure("google", "store-a-client")
    page_a = store_client(store_a).get("/accounts/login/").content.decode()
    page_b = store_client(store_b).get("/accounts/login/").content.decode()
    assert "/accounts/google/login/" in page_a
    assert "/accounts/facebook/login/" not in page_a
    assert "/accounts/google/login/" not in page_b


def test_google_login_creates_a_verified_account_with_the_stores_own_client(
    in_store_a, store_client, google
):
    _configure("google", "store-a-client")
    google.expect_oneshot_request(
        "/token",
        method="POST",
        data=None,
    ).respond_with_json(
        {
            "access_token": "ya29.a0-access",
            "expires_in": 3599,
            "scope": "openid https://www.googleapis.com/auth/userinfo.email",
            "token_type": "Bearer",
        }
    )
    google.expect_oneshot_request(
        "/userinfo", headers={"Authorization": "Bearer ya29.a0-access"}
    ).respond_with_json(
        {
            "id": "1098765432101234567890",
            "email": "ada@gmail.example",
            "verified_email": True,
            "name": "Ada Lovelace",
            "given_name": "Ada",
            "family_name": "Lovelace",
        }
    )
    browser = store_client(in_store_a)
    state = _start(browser, "google")
    callback = browser.get("/accounts/google/login/callback/", {"code": "4/0-code", "state": state})
    assert callback.status_code == 302
    assert callback["Location"] == "/"

    token_request = google.log[0][0]
    assert token_request.form["client_id"] == "store-a-client"
    assert token_request.form["client_secret"] == "store-a-client-secret"
    assert token_request.form["code"] == "4/0-code"

    user = User.objects.get(email="ada@gmail.example")
    assert (user.first_name, user.username) == ("Ada", "ada@gmail.example")
    assert user.emailaddress_set.get().verified
    assert SocialAccount.objects.get(user=user).uid == "1098765432101234567890"
    assert browser.get("/api/v1/auth/user/").json()["email"] == "ada@gmail.example"


def test_a_forged_state_is_refused(in_store_a, store_client, google):
    _configure("google", "store-a-client")
    browser = store_client(in_store_a)
    _start(browser, "google")
    response = browser.get("/accounts/google/login/callback/", {"code": "x", "state": "forged"})
    assert b"Third-Party Login Failure" in response.content
    assert not User.objects.exists()
    assert google.log == []


def test_a_provider_that_is_not_configured_at_this_store_is_not_found(in_store_a, store_client):
    response = store_client(in_store_a).post("/accounts/facebook/login/")
    assert response.status_code == 404


def test_facebook_login_asks_to_verify_the_email_it_cannot_vouch_for(
    in_store_a, store_client, facebook
):
    _configure("facebook", "fb-app-a")
    facebook.expect_oneshot_request("/v19.0/oauth/access_token").respond_with_json(
        {"access_token": "EAAB-access", "token_type": "bearer", "expires_in": 5183944}
    )
    facebook.expect_oneshot_request("/v19.0/me").respond_with_json(
        {
            "id": "10223344556677",
            "email": "grace@facebook.example",
            "first_name": "Grace",
            "last_name": "Hopper",
            "name": "Grace Hopper",
        }
    )
    browser = store_client(in_store_a)
    state = _start(browser, "facebook")
    callback = browser.get("/accounts/facebook/login/callback/", {"code": "AQD", "state": state})
    assert callback.status_code == 302
    assert callback["Location"] == "/accounts/confirm-email/"
    assert mail.outbox[-1].to == ["grace@facebook.example"]
    me_request = facebook.log[1][0]
    assert me_request.args["access_token"] == "EAAB-access"
    assert me_request.args["appsecret_proof"]  # signed with the store's own app secret
    assert User.objects.get(email="grace@facebook.example").last_name == "Hopper"


def test_only_the_owner_enters_oauth_clients_in_the_store_admin(in_store_a, store_client):
    from tests.matrix import make_person

    browser = store_client(in_store_a)
    browser.force_login(make_person("owner"))
    response = browser.post(
        "/django-admin/socialaccount/socialapp/add/",
        {
            "provider": "google",
            "name": "Google",
            "client_id": "from-the-owner",
            "secret": "owner-secret",
            "key": "",
            "settings": "{}",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert SocialApp.objects.get().client_id == "from-the-owner"

    browser.force_login(make_person("catalog_manager"))
    assert browser.get("/django-admin/socialaccount/socialapp/add/").status_code == 403
