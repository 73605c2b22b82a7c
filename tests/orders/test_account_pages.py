"""The shopper's orders in the account area: history, detail with the timeline, cancel while
pending, reorder, the invoice PDF; only the owner sees an order (anyone else: 404)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from accounts.models import User
from cart.models import Cart
from catalog.models import Product
from orders import actions
from orders.models import OrderStatus
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db


def _person(email: str) -> User:
    return User.objects.create_user(username=email, email=email)


@pytest.fixture
def ada(in_store_a):
    return _person("ada@example.com")


@pytest.fixture
def bob(in_store_a):
    return _person("bob@example.com")


@pytest.fixture
def staff(in_store_a):
    return User.objects.create_user(
        username="om@a.test", email="om@a.test", staff_role="order_manager", is_staff=True
    )


@pytest.fixture
def as_person(store_client, store_a):
    def make(user):
        client = store_client(store_a)
        client.force_login(user)
        return client

    return make


def test_history_lists_the_shoppers_own_orders_newest_first(ada, bob, as_person):
    mug = make_variant(price="12.50", stock=50)
    first = place([(mug, 1)], user=ada)
    second = place([(mug, 2)], user=ada)
    place([(mug, 1)], user=bob, email="bob@example.com")

    response = as_person(ada).get("/account/orders/")

    assert response.status_code == 200
    body = response.content.decode()
    assert f"#{second.number}" in body and f"#{first.number}" in body
    assert body.index(f"#{second.number}") < body.index(f"#{first.number}")
    assert "$30.00" in body  # 2 x 12.50 + 5.00 delivery
    assert "Pending" in body
    assert body.count("/account/orders/10") == 2  # bob's order is not listed
    assert 'href="/account/orders/"' in body  # the account menu's link


def test_history_is_paginated_with_constant_queries(ada, as_person):
    mug = make_variant(stock=500)
    client = as_person(ada)
    place([(mug, 1)], user=ada)
    client.get("/account/orders/")  # warm the session and shell caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/account/orders/").status_code == 200
    for _ in range(24):
        place([(mug, 1)], user=ada)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/account/orders/")
    assert response.status_code == 200
    assert len(many.captured_queries) <= len(few.captured_queries) + 1  # the page count
    assert "Page 1 of 2" in response.content.decode()
    assert client.get("/account/orders/?page=2").content.decode().count("/account/orders/10") == 5


def test_anonymous_visitors_are_sent_to_sign_in(ada, store_client, store_a):
    mug = make_variant()
    order = place([(mug, 1)], user=ada)
    client = store_client(store_a)
    for path in (
        "/account/orders/",
        f"/account/orders/{order.number}/",
        f"/account/orders/{order.number}/invoice.pdf",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert client.post(f"/account/orders/{order.number}/cancel/").status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_detail_shows_lines_totals_addresses_payment_tracking_and_the_timeline(
    ada, staff, as_person
):
    mug = make_variant(price="10.00", stock=10)
    order = place([(mug, 2)], user=ada, tax_rate="20")
    actions.add_note(order=order, note="Customer sounds grumpy, be careful", actor=staff)
    actions.fulfil(
        order=order,
        lines={order.lines.get(): 2},
        carrier="DHL",
        tracking_number="JD0142",
        actor=staff,
    )
    actions.mark_delivered(order=order, actor=staff, note="Left with neighbour per staff")

    response = as_person(ada).get(f"/account/orders/{order.number}/")

    assert response.status_code == 200
    body = response.content.decode()
    line = order.lines.get()
    assert line.product_name in body and line.sku in body
    assert "$20.00" in body and "$4.00" in body and "$24.00" in body  # net, tax, gross
    assert "$29.00" in body  # total with delivery
    assert "1 Main St" in body and "Ada Lovelace" in body
    assert "Standard" in body
    order.refresh_from_db()
    assert order.get_payment_status_display() in body and "cash on delivery" in body
    assert "JD0142" in body and "DHL" in body
    for step in ("Order placed", "We are preparing your order", "Parcel sent", "Shipped"):
        assert step in body
    assert "Delivered" in body
    assert "grumpy" not in body and "neighbour" not in body  # staff notes stay inside
    assert "Cancel order" not in body


def test_another_person_and_another_store_get_404(
    ada, bob, as_person, store_a, store_b, store_client
):
    mug = make_variant()
    order = place([(mug, 1)], user=ada)
    intruder = as_person(bob)
    for path in (
        f"/account/orders/{order.number}/",
        f"/account/orders/{order.number}/invoice.pdf",
        f"/account/orders/{order.number}/cancel/",
    ):
        assert intruder.get(path).status_code == 404
    assert intruder.post(f"/account/orders/{order.number}/cancel/").status_code == 404
    assert intruder.post(f"/account/orders/{order.number}/reorder/").status_code == 404
    assert as_person(ada).get("/account/orders/99999999999/").status_code == 404

    # The same number at store B, by a person of store B with ada's address: nothing.
    connection.set_tenant(store_b)
    b_ada = _person("ada@example.com")
    b_client = store_client(store_b)
    b_client.force_login(b_ada)
    assert b_client.get(f"/account/orders/{order.number}/").status_code == 404
    assert b_client.post(f"/account/orders/{order.number}/cancel/").status_code == 404
    connection.set_tenant(store_a)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_cancel_asks_for_confirmation_then_cancels_a_pending_order(ada, as_person):
    mug = make_variant(stock=5)
    order = place([(mug, 2)], user=ada)
    client = as_person(ada)
    path = f"/account/orders/{order.number}/cancel/"

    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "Yes, cancel the order" in confirm.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING

    response = client.post(path, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Order #{order.number} is cancelled." in body
    assert "Cancelled by you." in body
    order.refresh_from_db()
    mug.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert mug.stock_reserved == 0


def test_cancel_is_refused_once_the_order_is_processing(ada, staff, as_person):
    mug = make_variant(stock=5)
    order = place([(mug, 1)], user=ada)
    actions.start_processing(order=order, actor=staff)
    client = as_person(ada)

    detail = client.get(f"/account/orders/{order.number}/").content.decode()
    assert "Cancel order" not in detail
    response = client.post(f"/account/orders/{order.number}/cancel/", follow=True)
    assert response.status_code == 200
    assert "can no longer cancel it" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING


def test_reorder_adds_what_is_still_sold_and_names_what_is_not(ada, as_person):
    mug = make_variant(price="8.00", stock=10)
    cap = make_variant(price="15.00", stock=10)
    order = place([(mug, 2), (cap, 1)], user=ada)
    Product.objects.filter(pk=cap.product_id).update(status="draft")

    response = as_person(ada).post(f"/account/orders/{order.number}/reorder/", follow=True)

    assert response.status_code == 200
    body = response.content.decode()
    mug_line = order.lines.get(variant=mug)
    cap_line = order.lines.get(variant=cap)
    assert f"Added to your cart: {mug_line.product_name}" in body
    assert f"Could not add {cap_line.product_name}" in body
    cart = Cart.objects.get(user=ada, status=Cart.Status.OPEN)
    assert {(line.variant_id, line.quantity) for line in cart.lines.all()} == {(mug.pk, 2)}


def test_invoice_is_a_pdf_with_the_store_order_lines_and_totals(ada, as_person, store_a):
    mug = make_variant(price="10.00", stock=10)
    order = place([(mug, 3)], user=ada, tax_rate="20")

    response = as_person(ada).get(f"/account/orders/{order.number}/invoice.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"#{order.number}" in text
    assert store_a.name in text
    assert order.lines.get().product_name in text
    assert "$30.00" in text and "$6.00" in text and "$36.00" in text and "$41.00" in text
