"""/api/v1/account/orders/: the shopper's orders (list, detail with the timeline), cancel while
pending (409 after), reorder; owner only (another person, another store: 404)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services
from accounts.models import User
from cart.models import Cart
from catalog.models import Product
from orders import actions
from orders.models import OrderStatus
from tests.orders.factories import make_variant, place
from tests.queries import statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(in_store_a):
    return User.objects.create_user(username="ada@example.com", email="ada@example.com")


@pytest.fixture
def bob(in_store_a):
    return User.objects.create_user(username="bob@example.com", email="bob@example.com")


@pytest.fixture
def staff(in_store_a):
    return User.objects.create_user(
        username="om@a.test", email="om@a.test", staff_role="order_manager", is_staff=True
    )


@pytest.fixture
def api(store_client, store_a):
    def make(user=None):
        client = store_client(store_a)
        if user is not None:
            client.force_login(user)
        return client

    return make


def test_list_shows_only_the_shoppers_orders_with_constant_queries(ada, bob, api, store_a):
    mug = make_variant(stock=500)
    own = place([(mug, 1)], user=ada)
    place([(mug, 1)], user=bob, email="bob@example.com")
    client = api(ada)
    client.get("/api/v1/account/orders/")
    with CaptureQueriesContext(connection) as few:
        response = client.get("/api/v1/account/orders/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["number"] == own.number
    assert body["results"][0]["status"] == "pending"
    assert body["results"][0]["total"] == str(own.total)
    connection.set_tenant(store_a)
    for _ in range(15):
        place([(mug, 1)], user=ada)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/account/orders/")
    assert response.json()["count"] == 16
    assert statements(many) == statements(few)


def test_detail_has_lines_parcels_and_a_timeline_without_staff_notes(ada, staff, api, store_a):
    mug = make_variant(stock=5)
    order = place([(mug, 2)], user=ada)
    actions.add_note(order=order, note="internal: fragile", actor=staff)
    actions.fulfil(
        order=order, lines={order.lines.get(): 2}, carrier="UPS", tracking_number="1Z9", actor=staff
    )

    response = api(ada).get(f"/api/v1/account/orders/{order.number}/")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == order.number
    assert body["status"] == "shipped"
    assert body["lines"][0]["quantity"] == 2
    assert body["fulfilments"] == [
        {
            "carrier": "UPS",
            "tracking_number": "1Z9",
            "shipped_at": body["fulfilments"][0]["shipped_at"],
            "delivered_at": None,
        }
    ]
    titles = [step["title"] for step in body["timeline"]]
    assert titles == ["Order placed", "We are preparing your order", "Parcel sent", "Shipped"]
    assert "fragile" not in response.content.decode()
    assert body["can_cancel"] is False


def test_anonymous_401_other_person_404_other_store_404(
    ada, bob, api, store_a, store_b, store_client
):
    mug = make_variant()
    order = place([(mug, 1)], user=ada)
    paths = [f"/api/v1/account/orders/{order.number}/"]
    anonymous = api()
    assert anonymous.get("/api/v1/account/orders/").status_code == 401
    assert anonymous.get(paths[0]).status_code == 401
    assert anonymous.post(f"{paths[0]}cancel/").status_code == 401
    assert anonymous.post(f"{paths[0]}reorder/").status_code == 401

    other = api(bob)
    assert other.get(paths[0]).status_code == 404
    assert other.get(paths[0]).json()["error"]["code"] == "not_found"
    assert other.post(f"{paths[0]}cancel/").status_code == 404
    assert other.post(f"{paths[0]}reorder/").status_code == 404
    assert other.get("/api/v1/account/orders/").json()["count"] == 0

    # ada's token of store A means nothing at store B.
    connection.set_tenant(store_a)
    key = services.issue_auth_token(user=ada).key
    assert api().get(paths[0], HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    b_client = store_client(store_b)
    assert b_client.get(paths[0], HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    connection.set_tenant(store_b)
    b_person = User.objects.create_user(username="ada@example.com", email="ada@example.com")
    b_client.force_login(b_person)
    assert b_client.get(paths[0]).status_code == 404
    assert b_client.post(f"{paths[0]}cancel/").status_code == 404


def test_cancel_pending_then_409_when_no_longer_cancellable(ada, staff, api, store_a):
    mug = make_variant(stock=5)
    order = place([(mug, 1)], user=ada)
    client = api(ada)

    response = client.post(f"/api/v1/account/orders/{order.number}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["timeline"][-1]["detail"] == "Cancelled by you."

    again = client.post(f"/api/v1/account/orders/{order.number}/cancel/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "illegal_transition"

    connection.set_tenant(store_a)
    processing = place([(mug, 1)], user=ada)
    actions.start_processing(order=processing, actor=staff)
    refused = client.post(f"/api/v1/account/orders/{processing.number}/cancel/")
    assert refused.status_code == 409
    assert "can no longer cancel it" in refused.json()["error"]["message"]
    connection.set_tenant(store_a)
    processing.refresh_from_db()
    assert processing.status == OrderStatus.PROCESSING


def test_reorder_says_what_was_added_and_what_was_not(ada, api, store_a):
    mug = make_variant(stock=10)
    gone = make_variant(stock=10)
    order = place([(mug, 3), (gone, 1)], user=ada)
    Product.objects.filter(pk=gone.product_id).update(status="draft")
    client = api(ada)

    response = client.post(f"/api/v1/account/orders/{order.number}/reorder/")

    assert response.status_code == 200
    body = response.json()
    names = {line.variant_id: line.product_name for line in order.lines.all()}
    assert body["added"] == [names[mug.pk]]
    assert [item["item"] for item in body["not_added"]] == [names[gone.pk]]
    assert body["not_added"][0]["reason"]
    connection.set_tenant(store_a)
    cart = Cart.objects.get(user=ada, status=Cart.Status.OPEN)
    assert [(line.variant_id, line.quantity) for line in cart.lines.all()] == [(mug.pk, 3)]
