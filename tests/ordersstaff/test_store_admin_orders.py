"""Orders in the store admin: the list with its filters and search, the detail page, and the
actions on it (each through orders.actions or payments.services). Owners and order managers
act; support reads; catalog managers get 403; customers and strangers are sent to sign in."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order, OrderEvent
from payments import services as payment_services
from tests.catalog.store_admin_clients import admin_client, login_redirect
from tests.matrix import STAFF
from tests.orders.factories import make_variant, place
from tests.queries import statements

pytestmark = pytest.mark.django_db

LIST = "/admin/orders/"


@pytest.fixture
def as_role(store_a):
    return lambda role: admin_client(store_a, role)


@pytest.fixture
def order(in_store_a):
    variant = make_variant(price="10.00")
    return place([(variant, 2)], email="ada@example.com")


@pytest.fixture
def cod_payment(order):
    payment_services.set_method_settings(data={"enabled_methods": ["cod"]})
    return payment_services.create_payment_for_order(order=order).payment


def reads(order) -> dict[str, str]:
    return {
        "list": LIST,
        "detail": f"{LIST}{order.pk}/",
        "cancel page": f"{LIST}{order.pk}/cancel/",
    }


EXPECTED_GET = {
    "owner": {"list": 200, "detail": 200, "cancel page": 200, "export": 200},
    "order_manager": {"list": 200, "detail": 200, "cancel page": 200, "export": 200},
    "support": {"list": 200, "detail": 200, "cancel page": 403, "export": 403},
    "catalog_manager": {"list": 403, "detail": 403, "cancel page": 403, "export": 403},
}


@pytest.mark.parametrize("role", STAFF)
def test_each_staff_role_gets_exactly_its_screens(as_role, order, role):
    client = as_role(role)
    urls = reads(order) | {"export": f"{LIST}export.csv"}

    statuses = {name: client.get(url).status_code for name, url in urls.items()}

    assert statuses == EXPECTED_GET[role]


@pytest.mark.parametrize("role", ["customer", "anonymous"])
def test_customers_and_strangers_are_sent_to_sign_in(as_role, store_client, store_a, order, role):
    client = as_role("customer") if role == "customer" else store_client(store_a)

    for url in reads(order).values():
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, login_redirect(url))
    assert client.post(f"{LIST}{order.pk}/cancel/").status_code == 302
    assert Order.objects.get().status == "pending"


@pytest.mark.parametrize("role", ["support", "catalog_manager"])
def test_readers_and_others_are_refused_every_action_and_nothing_changes(
    as_role, cod_payment, order, role
):
    client = as_role(role)
    base = f"{LIST}{order.pk}/"
    writes = [
        (base + "start/", {}),
        (base + "fulfil/", {f"line_{order.lines.get().pk}": "1"}),
        (base + "deliver/", {}),
        (base + "cancel/", {}),
        (base + "notes/", {"note": "hi"}),
        (base + f"payments/{cod_payment.pk}/mark-paid/", {"amount": "25"}),
        (base + f"payments/{cod_payment.pk}/refunds/", {"amount": "1"}),
    ]

    statuses = {client.post(url, data).status_code for url, data in writes}

    assert statuses == {403}
    order.refresh_from_db()
    assert (order.status, order.amount_paid) == ("pending", 0)
    assert not OrderEvent.objects.filter(kind="note").exists()


def test_the_list_filters_and_searches(as_role, in_store_a):
    variant = make_variant(price="10.00")
    first = place([(variant, 1)], email="ada@example.com")
    second = place([(variant, 1)], email="bob@example.com")
    client = as_role("order_manager")
    from orders import actions

    actions.cancel_order(order=second)

    def numbers(query: str) -> list[int]:
        html = client.get(LIST + query).content.decode()
        return [n for n in (first.number, second.number) if f'data-order="{n}"' in html]

    assert numbers("") == [first.number, second.number]
    assert numbers("?status=cancelled") == [second.number]
    assert numbers("?status=pending&payment_method=cod") == [first.number]
    assert numbers("?q=bob@") == [second.number]
    assert numbers(f"?q=%23{first.number}") == [first.number]
    assert numbers("?channel=b2b") == []
    assert numbers("?q=Ada+Lovelace") == [first.number, second.number]
    bad = client.get(LIST + "?status=nope&placed_from=2026-02-01&placed_to=2026-01-01")
    assert bad.status_code == 400
    assert "Must be on or after the start date." in bad.content.decode()


def test_the_list_reads_the_same_number_of_queries_for_few_and_many_orders(as_role, in_store_a):
    variant = make_variant(price="10.00", stock=100)
    client = as_role("owner")
    place([(variant, 1)])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    few = count()
    for _ in range(6):
        place([(variant, 1)])
    assert count() == few


def test_the_detail_shows_lines_totals_addresses_payments_and_timeline(as_role, cod_payment, order):
    html = as_role("support").get(f"{LIST}{order.pk}/").content.decode()

    assert f"Order #{order.number}" in html
    assert "25.00" in html and "Ada Lovelace" in html and "1 Main St" in html
    assert f'data-payment="{cod_payment.pk}"' in html
    assert 'data-event="placed"' in html
    assert 'data-form="fulfil"' not in html  # support reads only


def test_the_detail_reads_the_same_number_of_queries_for_few_and_many_lines(as_role, in_store_a):
    client = as_role("owner")
    small = place([(make_variant(price="1.00", stock=5), 1)])
    big = place([(make_variant(price="1.00", stock=5), 1) for _ in range(5)])

    def count(order) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{LIST}{order.pk}/").status_code == 200
        return statements(queries)

    assert count(small) == count(big)


def test_a_manager_processes_fulfils_and_delivers_with_tracking(as_role, order):
    client = as_role("order_manager")
    base = f"{LIST}{order.pk}/"
    line = order.lines.get()

    assert client.post(base + "start/").status_code == 302
    shipped = client.post(
        base + "fulfil/", {f"line_{line.pk}": "2", "carrier": "UPS", "tracking_number": "1Z9"}
    )
    assert (shipped.status_code, shipped["Location"]) == (302, base)
    order.refresh_from_db()
    assert (order.status, order.fulfilment_status) == ("shipped", "fulfilled")
    assert "1Z9" in client.get(base).content.decode()

    assert client.post(base + "deliver/", {"note": "left at door"}).status_code == 302
    order.refresh_from_db()
    assert order.status == "delivered"


def test_too_many_items_to_ship_is_shown_next_to_the_form_and_nothing_ships(as_role, order):
    client = as_role("owner")
    line = order.lines.get()

    response = client.post(f"{LIST}{order.pk}/fulfil/", {f"line_{line.pk}": "3"})

    assert response.status_code == 400
    assert "Only 2 left to ship on this line." in response.content.decode()
    order.refresh_from_db()
    assert order.fulfilment_status == "unfulfilled"


def test_an_illegal_transition_is_a_message_not_a_500(as_role, order):
    client = as_role("owner")

    response = client.post(f"{LIST}{order.pk}/deliver/")

    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == "pending"


def test_cancel_asks_for_confirmation_then_cancels(as_role, order):
    client = as_role("owner")
    url = f"{LIST}{order.pk}/cancel/"

    page = client.get(url).content.decode()
    assert "Yes, cancel the order" in page
    assert Order.objects.get().status == "pending"

    assert client.post(url, {"note": "out of stock"}).status_code == 302
    assert Order.objects.get().status == "cancelled"
    again = client.post(url)
    assert again.status_code == 409
    assert "can no longer cancel it" in again.content.decode()


def test_notes_go_on_the_timeline_and_an_empty_note_is_refused(as_role, order):
    client = as_role("order_manager")
    url = f"{LIST}{order.pk}/notes/"

    assert client.post(url, {"note": "Called the shopper"}).status_code == 302
    assert client.post(url, {"note": ""}).status_code == 400
    assert list(OrderEvent.objects.filter(kind="note").values_list("note", flat=True)) == [
        "Called the shopper"
    ]
    assert "Called the shopper" in client.get(f"{LIST}{order.pk}/").content.decode()


def test_cod_marked_paid_partially_then_over_then_refund_bounded(as_role, cod_payment, order):
    client = as_role("owner")
    base = f"{LIST}{order.pk}/payments/{cod_payment.pk}/"

    assert client.post(base + "mark-paid/", {"amount": "20.00"}).status_code == 302
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid) == ("partially_paid", Decimal("20.00"))
    assert client.post(base + "mark-paid/", {"amount": "10.00"}).status_code == 302
    order.refresh_from_db()
    assert order.payment_status == "overpaid"

    too_much = client.post(base + "refunds/", {"amount": "31.00"})
    assert too_much.status_code == 400
    assert client.post(base + "refunds/", {"amount": "5.00"}).status_code == 302
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("5.00")
    assert client.post(base + "mark-paid/", {"amount": "-1"}).status_code == 400
    assert client.post(base + "mark-paid/", {"amount": "1e30"}).status_code == 400


def test_a_payment_of_another_order_is_404(as_role, cod_payment, order):
    other = place([(make_variant(price="3.00"), 1)])

    response = as_role("owner").post(
        f"{LIST}{other.pk}/payments/{cod_payment.pk}/mark-paid/", {"amount": "1"}
    )

    assert response.status_code == 404


def test_an_order_of_store_b_is_404_at_store_a(as_role, store_b, in_store_a):
    connection.set_tenant(store_b)
    foreign = place([(make_variant(price="3.00"), 1)])
    client = as_role("owner")

    assert client.get(f"{LIST}{foreign.pk}/").status_code == 404
    assert f'data-order="{foreign.number}"' not in client.get(LIST).content.decode()


def test_the_csv_export_follows_the_filters_and_quotes_formulas(as_role, in_store_a):
    variant = make_variant(price="10.00", stock=10)
    place([(variant, 1)], email="=cmd@example.com")
    place([(variant, 1)], email="plain@example.com")
    client = as_role("order_manager")

    response = client.get(LIST + "export.csv?q=cmd")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["number", "placed_at", "status"]
    assert len(rows) == 2
    assert rows[1][7] == "'=cmd@example.com"


# --- A customer's page --------------------------------------------------------------------------


def _customer(email: str):
    from accounts.models import User

    return User.objects.create_user(username=email, email=email)


@pytest.mark.parametrize("role", ["owner", "order_manager", "support"])
def test_a_customer_s_page_lists_their_orders_and_links_to_them_in_the_list(
    as_role, in_store_a, role
):
    ada = _customer("ada@example.com")
    mug = make_variant(price="10.00", stock=50)
    first = place([(mug, 1)], user=ada, email="ada@example.com")
    second = place([(mug, 2)], user=ada, email="ada@example.com")
    someone_else = place([(mug, 1)], email="bob@example.com")

    html = as_role(role).get(f"/admin/customers/{ada.pk}/").content.decode()

    panel = html[html.index("data-customer-orders") :]
    assert f'<a href="{LIST}{second.pk}/">#{second.number}</a>' in panel
    assert f'<a href="{LIST}{first.pk}/">#{first.number}</a>' in panel
    assert panel.index(f"#{second.number}") < panel.index(f"#{first.number}")  # newest first
    assert f"#{someone_else.number}" not in panel
    assert f'href="{LIST}?customer={ada.pk}"' in panel
    # The link leads to the list filtered to the customer: their orders, nobody else's.
    listed = as_role(role).get(f"{LIST}?customer={ada.pk}").content.decode()
    assert f'data-order="{first.number}"' in listed and f'data-order="{second.number}"' in listed
    assert f'data-order="{someone_else.number}"' not in listed


def test_a_customer_without_orders_is_said_to_have_none(as_role, in_store_a):
    ada = _customer("ada@example.com")

    html = as_role("owner").get(f"/admin/customers/{ada.pk}/").content.decode()

    assert "No orders yet." in html[html.index("data-customer-orders") :]
