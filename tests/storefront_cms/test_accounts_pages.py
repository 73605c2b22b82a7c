"""Signing in, signing up and the account area, in the store's theme on its host; the platform's
own host (where its admins sign in) keeps its plain pages."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.db import connection

from accounts.models import User
from tests.storefront_cms.conftest import update_theme

THEMED = 'href="/static/storefront/storefront.css"'

ENTRANCE_PAGES = {
    "/accounts/login/": "Sign In",
    "/accounts/signup/": "Sign Up",
    "/accounts/password/reset/": "Password Reset",
    "/accounts/password/reset/done/": "Password Reset",
    "/accounts/confirm-email/": "Verify Your Email Address",
}


def text_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(("path", "heading"), ENTRANCE_PAGES.items())
def test_allauth_pages_wear_the_store_theme(in_store_a, store_client, path, heading):
    update_theme(primary_color="#0b6e4f")

    response = store_client(in_store_a).get(path)

    assert response.status_code == 200
    page = text_of(response)
    assert THEMED in page
    assert "--primary:#0b6e4f" in page
    assert '<span class="brand-name">Store A</span>' in page
    assert heading in page
    assert '<a href="/">← Back to the shop</a>' in page
    assert "<title>" in page and "· Store A</title>" in page


def test_sign_in_form_is_labelled_and_links_to_sign_up(in_store_a, store_client):
    page = text_of(store_client(in_store_a).get("/accounts/login/"))

    assert '<label for="id_login">Email:</label>' in page
    assert '<label for="id_password">Password:</label>' in page
    assert 'class="button"' in page  # allauth's button element, in the theme's style
    assert 'href="/accounts/signup/' in page


def test_a_bad_password_is_answered_on_the_themed_page(in_store_a, store_client):
    response = store_client(in_store_a).post(
        "/accounts/login/", {"login": "nobody@example.com", "password": "wrong-password-1"}
    )

    assert response.status_code == 200
    page = text_of(response)
    assert THEMED in page
    assert "The email address and/or password you specified are not correct." in page
    assert 'value="nobody@example.com"' in page  # nothing typed is lost


def test_social_buttons_show_only_when_the_store_configured_them(in_store_a, store_client):
    client = store_client(in_store_a)
    assert "Continue with" not in text_of(client.get("/accounts/login/"))

    SocialApp.objects.create(provider="google", name="Google", client_id="id", secret="secret")

    assert "Continue with Google" in text_of(client.get("/accounts/login/"))


def customer_client(tenant, store_client, email="shopper@example.com"):
    connection.set_tenant(tenant)
    user = User.objects.create_user(username=email, email=email, password="Correct-horse-42")
    client = store_client(tenant)
    client.force_login(user)
    return client


def test_the_header_says_who_is_signed_in(in_store_a, store_client):
    client = customer_client(in_store_a, store_client)

    page = text_of(client.get("/"))

    assert "Signed in as </span>shopper@example.com" in page
    assert 'href="/account/"' in page
    assert 'action="/accounts/logout/"' in page
    assert ">Sign in</a>" not in page


def test_an_anonymous_shopper_is_offered_sign_in_and_register(in_store_a, store_client):
    page = text_of(store_client(in_store_a).get("/"))

    assert '<a href="/accounts/login/">Sign in</a>' in page
    assert 'href="/accounts/signup/" class="button button--ghost">Register</a>' in page


@pytest.mark.parametrize(
    "path",
    [
        "/account/",
        "/account/addresses/new/",
        "/account/delete/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ],
)
def test_the_account_area_wears_the_theme_and_leads_back_to_the_shop(
    in_store_a, store_client, path
):
    client = customer_client(in_store_a, store_client)

    response = client.get(path)

    assert response.status_code == 200
    page = text_of(response)
    assert THEMED in page
    assert '<a href="/">Continue shopping</a>' in page
    assert "shopper@example.com" in page


def test_the_platform_host_keeps_its_plain_sign_in_page(platform_client):
    response = platform_client.get("/accounts/login/")

    assert response.status_code == 200
    page = text_of(response)
    assert "Sign In" in page
    assert THEMED not in page
    assert "Continue shopping" not in page and "Back to the shop" not in page
    # The platform's own card (as its home page and signup), not allauth's unstyled default;
    # no "Sign Up" there: stores are opened at /signup/, not accounts.
    assert "<main>" in page and "box-shadow" in page
    assert '<nav class="account-menu"' in page and "Sign Up" not in page
    assert 'name="password"' in page


def test_store_b_sign_in_page_wears_store_b_theme(in_store_a, store_b, store_client):
    update_theme(primary_color="#aa0000")

    connection.set_tenant(store_b)
    page = text_of(store_client(store_b).get("/accounts/login/"))

    assert '<span class="brand-name">Store B</span>' in page
    assert "--primary:#aa0000" not in page
