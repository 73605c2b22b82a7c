"""The reminder's link, /cart/restore/<signed>/: it brings the cart back to its owner, and is
refused when expired, tampered with, another store's, or opened by someone else."""

import re
import time

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import RequestFactory
from django_tenants.utils import schema_context, tenant_context

from cart import identify
from cart.abandonment import mark_abandoned_carts, restore_path
from cart.models import Cart, CartLine
from cart.tasks import send_cart_reminder
from tests.cart.abandoned_scene import age, cart_of, shopper, variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def client_at(store_client):
    """``client_at(store, user=None)``: a browser at the store, signed in as ``user``."""

    def make(store, user=None):
        client = store_client(store)
        if user is not None:
            with tenant_context(store):  # the session is kept in the store's schema
                client.force_login(user)
        return client

    return make


def test_the_link_in_the_reminder_takes_its_owner_to_their_cart(in_store, client_at, celery_eager):
    ada = shopper()
    cart = age(cart_of(ada, (variant(), 1)), hours=30)
    mark_abandoned_carts(hours=24)
    send_cart_reminder.delay(cart.pk)
    link = re.search(r"https?://[^/\s]+(/cart/restore/[^/\s]+/)", mail.outbox[0].body).group(1)

    response = client_at(in_store, ada).get(link)

    assert response.status_code == 302
    assert response["Location"] == "/cart/"


def test_someone_not_signed_in_is_asked_to_sign_in_first(in_store, client_at):
    link = restore_path(cart_of(shopper(), (variant(), 1)))

    response = client_at(in_store).get(link)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/cart/restore/")


def test_another_signed_in_person_is_refused_and_the_cart_left_alone(in_store, client_at):
    cart = cart_of(shopper(), (variant(), 2))
    intruder = shopper("eve@example.com")

    response = client_at(in_store, intruder).get(restore_path(cart))

    assert response.status_code == 403
    assert "This cart is someone else" in response.content.decode()
    cart.refresh_from_db()
    assert cart.user.email == "ada@example.com" and cart.status == Cart.Status.OPEN
    assert not Cart.objects.filter(user=intruder).exists()


def test_an_expired_link_is_refused(in_store, client_at, monkeypatch):
    ada = shopper()
    cart = cart_of(ada, (variant(), 1))
    eight_days_ago = time.time() - 8 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    link = restore_path(cart)
    monkeypatch.undo()

    response = client_at(in_store, ada).get(link)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_a_tampered_link_is_refused(in_store, client_at):
    ada = shopper()
    cart = cart_of(ada, (variant(), 1))
    other = cart_of(shopper("bob@example.com"), (variant(), 1))
    link = restore_path(cart)
    signed = link.split("/")[-2]
    _, _, signature = signed.partition(":")
    forged_value = signing.b64_encode(f'{{"cart":{other.pk}}}'.encode()).decode()

    for forged in (
        f"{forged_value}:{signature}",
        signed[:-1] + ("A" if signed[-1] != "A" else "B"),
        "not-a-link",
    ):
        response = client_at(in_store, ada).get(f"/cart/restore/{forged}/")
        assert response.status_code == 404, forged
        assert "Cart not found" in response.content.decode()


def test_a_link_of_store_a_means_nothing_at_store_b(in_store, store_b, client_at):
    with schema_context(store_b.schema_name):
        bob = shopper("bob@example.com")
        cart_at_b = cart_of(bob, (variant(), 1))
        own_link = restore_path(cart_at_b)
    # Store A signs a link naming the id of store B's cart.
    link_of_a = restore_path(Cart(pk=cart_at_b.pk))

    response = client_at(store_b, bob).get(link_of_a)
    assert response.status_code == 404

    assert client_at(store_b, bob).get(own_link).status_code == 302


def test_an_anonymous_cart_becomes_the_browser_s_cart(in_store, client_at):
    cart = cart_of(None, (variant(), 3))
    browser = client_at(in_store)

    response = browser.get(restore_path(cart))

    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    request = RequestFactory().get("/cart/", HTTP_HOST=in_store.primary_host)
    request.COOKIES[identify.COOKIE_NAME] = browser.cookies[identify.COOKIE_NAME].value
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert identify.cart_for_request(request) == cart


def test_an_anonymous_cart_opened_by_a_signed_in_shopper_joins_their_cart(in_store, client_at):
    lamp, bulb = variant(), variant()
    anonymous = cart_of(None, (lamp, 1))
    ada = shopper()
    own = cart_of(ada, (bulb, 2))

    response = client_at(in_store, ada).get(restore_path(anonymous))

    assert response.status_code == 302
    anonymous.refresh_from_db()
    assert anonymous.status == Cart.Status.MERGED
    lines = dict(CartLine.objects.filter(cart=own).values_list("variant_id", "quantity"))
    assert lines == {lamp.pk: 1, bulb.pk: 2}


def test_a_cart_no_longer_open_is_not_brought_back(in_store, client_at):
    cart = cart_of(None, (variant(), 1))
    Cart.objects.filter(pk=cart.pk).update(status=Cart.Status.EXPIRED)

    response = client_at(in_store).get(restore_path(cart))

    assert response.status_code == 410
    assert "This cart is no longer available" in response.content.decode()
