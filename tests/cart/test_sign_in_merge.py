"""Signing in merges the visitor's cart into the account's, through the real sign-in paths:
allauth's login page (the cart cookie) and the API's login (the X-Cart-Token header)."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.http import HttpResponse
from rest_framework.test import APIClient

from cart import identify, services
from cart.models import Cart, CartLine
from pricing import Buyer
from tests.cart.factories import make_variant
from tests.matrix import PASSWORD, create_user

pytestmark = pytest.mark.django_db


def lines_of(cart) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


def with_cart_cookie(client, cart) -> None:
    response = HttpResponse()
    identify.remember_cart(response, cart)
    client.cookies.update(response.cookies)


@pytest.fixture
def carts(in_store_a):
    """A shopper with an account cart, and an anonymous cart of the same browser."""
    user = create_user("shopper@example.com")
    mug, capped, new = make_variant(), make_variant(quantity_max=4), make_variant()
    account_cart = services.open_cart_for_user(user=user)
    services.add_line(cart=account_cart, variant_id=mug.pk, quantity=1, buyer=Buyer(user=user))
    services.add_line(cart=account_cart, variant_id=capped.pk, quantity=3, buyer=Buyer(user=user))
    visitor_cart = services.create_anonymous_cart()
    for variant, quantity in ((mug, 2), (capped, 3), (new, 1)):
        services.add_line(
            cart=visitor_cart, variant_id=variant.pk, quantity=quantity, buyer=Buyer()
        )
    return user, account_cart, visitor_cart, (mug, capped, new)


def test_signing_in_on_the_storefront_merges_the_cookie_cart(store_client, store_a, carts):
    user, account_cart, visitor_cart, (mug, capped, new) = carts
    browser = store_client(store_a)
    with_cart_cookie(browser, visitor_cart)

    page = browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert page.status_code == 302
    connection.set_tenant(store_a)
    assert lines_of(account_cart) == {mug.pk: 3, capped.pk: 4, new.pk: 1}
    visitor_cart.refresh_from_db()
    assert visitor_cart.status == Cart.Status.MERGED
    # The browser's cookie is gone: after logout it has no cart of the account.
    assert page.cookies[identify.COOKIE_NAME].value == ""
    # The shopper is told once, on the next page.
    shown = [str(m) for m in get_messages(page.wsgi_request)]
    assert (
        f"{capped.product.name} ({capped.sku}): at most 4 per order; your cart has 4 instead of 6."
    ) in shown


def test_signing_in_through_the_api_merges_the_header_cart(store_a, carts):
    user, account_cart, visitor_cart, (mug, capped, new) = carts
    client = APIClient(HTTP_HOST=store_a.primary_host)

    answer = client.post(
        "/api/v1/auth/login/",
        {"email": user.email, "password": PASSWORD},
        format="json",
        HTTP_X_CART_TOKEN=str(visitor_cart.token),
    )

    assert answer.status_code == 200
    connection.set_tenant(store_a)
    assert lines_of(account_cart) == {mug.pk: 3, capped.pk: 4, new.pk: 1}
    account_cart.refresh_from_db()
    assert account_cart.merge_notices == [
        f"{capped.product.name} ({capped.sku}): at most 4 per order; your cart has 4 instead of 6."
    ]


def test_signing_in_without_a_cart_changes_nothing(store_client, store_a, carts):
    user, account_cart, visitor_cart, (mug, capped, _new) = carts
    page = store_client(store_a).post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}
    )
    assert page.status_code == 302
    connection.set_tenant(store_a)
    assert lines_of(account_cart) == {mug.pk: 1, capped.pk: 3}
    visitor_cart.refresh_from_db()
    assert visitor_cart.status == Cart.Status.OPEN


def test_a_first_sign_in_gives_the_account_the_visitors_cart(store_client, store_a, in_store_a):
    user = create_user("new@example.com")
    mug = make_variant()
    visitor_cart = services.create_anonymous_cart()
    services.add_line(cart=visitor_cart, variant_id=mug.pk, quantity=2, buyer=Buyer())
    browser = store_client(store_a)
    with_cart_cookie(browser, visitor_cart)

    assert (
        browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code
        == 302
    )

    connection.set_tenant(store_a)
    account_cart = Cart.objects.get(user=user, status=Cart.Status.OPEN)
    assert lines_of(account_cart) == {mug.pk: 2}
    assert account_cart.email == "new@example.com"


def test_a_tampered_cookie_names_no_cart(rf, in_store_a):
    cart = services.create_anonymous_cart()
    request = rf.get("/")
    request.COOKIES[identify.COOKIE_NAME] = str(cart.token)  # unsigned
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert identify.cart_for_request(request) is None
    response = HttpResponse()
    identify.remember_cart(response, cart)
    morsel = response.cookies[identify.COOKIE_NAME]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert morsel["max-age"] == 30 * 24 * 3600
    request.COOKIES[identify.COOKIE_NAME] = morsel.value
    assert identify.cart_for_request(request) == cart


def test_the_cart_stays_with_the_account_after_logout(store_client, store_a, carts):
    user, _account_cart, visitor_cart, (mug, capped, new) = carts
    browser = store_client(store_a)
    with_cart_cookie(browser, visitor_cart)
    browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    signed_in = browser.get("/api/v1/cart/").json()
    assert {line["variant"]: line["quantity"] for line in signed_in["lines"]} == {
        mug.pk: 3,
        capped.pk: 4,
        new.pk: 1,
    }

    assert browser.post("/accounts/logout/").status_code == 302

    assert browser.get("/api/v1/cart/").json()["lines"] == []
    # Another device, signed in: the same cart.
    elsewhere = store_client(store_a)
    elsewhere.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert len(elsewhere.get("/api/v1/cart/").json()["lines"]) == 3
