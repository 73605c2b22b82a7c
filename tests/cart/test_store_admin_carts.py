"""Carts in the store admin, read-only, for the owner and the order managers: the recent and
abandoned carts under the "Orders" menu, a cart's page, and a customer's open cart on their
page. Every role of tests.matrix.PEOPLE, with exact statuses; constant query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from cart import services as cart_services
from cart.abandonment import mark_abandoned_carts
from cart.models import Cart
from cart.tasks import process_store_carts
from catalog.models import ProductVariant
from pricing import buyer_for
from tenants.models import Tenant
from tests.cart.abandoned_scene import age, cart_of, shopper, variant
from tests.matrix import PEOPLE, STAFF, make_person

pytestmark = pytest.mark.django_db

WHO_SEES_CARTS = {"owner", "order_manager"}


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def admin_client(in_store, store_client):
    """``admin_client(role)``: a client at store A signed in as a new person of ``role``."""

    def make(role: str):
        connection.set_tenant(in_store)
        client = store_client(in_store)
        if role != "anonymous":
            client.force_login(make_person(role))
        return client

    return make


def expected_status(role: str) -> int:
    if role not in STAFF:
        return 302  # not staff (or nobody): Wagtail sends them to the sign-in page
    return 200 if role in WHO_SEES_CARTS else 403


SCREENS = ["/admin/carts/", "/admin/carts/results/", "/admin/carts/{cart}/"]


@pytest.mark.parametrize("role", ["anonymous", *PEOPLE])
@pytest.mark.parametrize("path", SCREENS)
def test_who_sees_carts(admin_client, role, path):
    client = admin_client(role)
    cart = cart_of(shopper(), (variant(), 1))

    response = client.get(path.format(cart=cart.pk))

    assert response.status_code == expected_status(role)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    if response.status_code == 403:
        assert b"Carts are seen by the store" in response.content


def test_the_orders_menu_holds_carts_for_those_who_see_them(admin_client):
    html = admin_client("order_manager").get("/admin/").content.decode()
    menu = html[html.index('"name": "orders"') :]
    labels = re.findall(r'"label": "([^"]+)"', menu)
    # The menu, then its items: the orders screens first (orders, those awaiting a company's
    # approval, the B2B invoices and quotes, payment mismatches), then the carts.
    assert labels[:7] == [
        "Orders",
        "Orders",
        "Awaiting approval",
        "Invoices",
        "Quotes",
        "Payment mismatches",
        "Carts",
    ]

    # Support reads orders, invoices and quotes but not carts (a cart's token is a credential).
    html = admin_client("support").get("/admin/").content.decode()
    assert '"name": "orders"' in html
    assert '"label": "Invoices"' in html and '"label": "Quotes"' in html
    assert '"label": "Carts"' not in html
    # A catalog manager sees neither.
    html = admin_client("catalog_manager").get("/admin/").content.decode()
    assert '"name": "orders"' not in html
    assert '"label": "Carts"' not in html


def rows(response) -> list[str]:
    """The listed carts: the rows of the listing's body (no table when there is none)."""
    listing = re.search(
        r'<table class="listing">.*?<tbody>(.*?)</tbody>', response.content.decode(), re.S
    )
    return re.findall(r"<tr[^>]*>(.*?)</tr>", listing.group(1), re.S) if listing else []


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_list_shows_who_what_how_much_and_whether_abandoned(admin_client):
    client = admin_client("order_manager")
    lamp = variant(name="Brass desk lamp", price="12.50")
    ada = shopper("ada@example.com", first_name="Ada", last_name="Lovelace")
    left = age(cart_of(ada, (lamp, 2)), hours=30)
    mark_abandoned_carts(hours=24)
    Cart.objects.filter(pk=left.pk).update(reminder_sent_at=left.updated_at)
    cart_of(None, (lamp, 1))

    response = client.get("/admin/carts/")

    assert response.status_code == 200
    listed = [text(row) for row in rows(response)]
    assert len(listed) == 2
    guest, abandoned = listed  # most recently changed first
    assert guest.startswith("Guest 1 $12.50 Just now")
    assert guest.endswith("Open False")
    assert abandoned.startswith("Ada Lovelace &lt;ada@example.com&gt; 2 $25.00 1 day ago")
    assert abandoned.endswith("Abandoned True")  # the reminder went
    assert str(left.token) not in response.content.decode()


def test_the_abandoned_filter_shows_abandoned_carts_only(admin_client):
    client = admin_client("owner")
    lamp = variant()
    left = age(cart_of(shopper("ada@example.com"), (lamp, 1)), hours=30)
    age(cart_of(shopper("bob@example.com"), (lamp, 1)), hours=2)
    mark_abandoned_carts(hours=24)

    response = client.get("/admin/carts/?abandoned=true")

    listed = [text(row) for row in rows(response)]
    assert len(listed) == 1 and "ada@example.com" in listed[0]
    assert f"/admin/carts/{left.pk}/" in response.content.decode()
    others = [text(row) for row in rows(client.get("/admin/carts/?abandoned=false"))]
    assert len(others) == 1 and "bob@example.com" in others[0]


def test_a_cart_changed_after_marking_is_not_listed_as_abandoned(admin_client):
    client = admin_client("owner")
    ada = shopper()
    cart = age(cart_of(ada, (variant(), 1)), hours=30)
    mark_abandoned_carts(hours=24)
    cart_services.add_line(
        cart=cart, variant_id=variant().pk, quantity=1, buyer=buyer_for(user=ada)
    )

    assert rows(client.get("/admin/carts/?abandoned=true")) == []


def test_the_list_costs_the_same_queries_for_few_and_many_carts(admin_client):
    client = admin_client("order_manager")
    lamp, bulb = variant(), variant()

    def count_queries() -> int:
        client.get("/admin/carts/")  # sessions, permissions warmed
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/carts/")
        assert response.status_code == 200
        return len(queries)

    for number in range(2):
        cart_of(shopper(f"few{number}@example.com"), (lamp, 1), (bulb, 2))
    few = count_queries()
    for number in range(12):
        cart_of(shopper(f"many{number}@example.com"), (lamp, 1), (bulb, 2))
        cart_of(None, (lamp, 1))
    many = count_queries()

    assert len(rows(client.get("/admin/carts/"))) == 26
    assert few == many


def test_a_cart_s_page_shows_its_lines_priced_now(admin_client):
    client = admin_client("order_manager")
    lamp = variant(name="Brass desk lamp", price="12.50")
    bulb = variant(name="Warm bulb", price="3.00")
    cart = cart_of(shopper("ada@example.com"), (lamp, 2), (bulb, 1))
    ProductVariant.objects.filter(pk=lamp.pk).update(price="10.00")

    response = client.get(f"/admin/carts/{cart.pk}/")

    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Brass desk lamp" in page and "Warm bulb" in page
    assert "Price changed: was $12.50, now $10.00" in page
    assert "Subtotal $23.00" in page
    assert str(cart.token) not in response.content.decode()


def test_a_cart_of_another_store_is_not_found(admin_client, store_b):
    client = admin_client("owner")
    with schema_context(store_b.schema_name):
        other = cart_of(shopper("bob-at-b@example.com"), (variant(), 1))

    response = client.get(f"/admin/carts/{other.pk}/")

    # Store A's cart of that id if it has one, never store B's.
    assert response.status_code in (200, 404)
    assert "bob-at-b@example.com" not in response.content.decode()
    assert client.get("/admin/carts/999999/").status_code == 404


# --- The customer's page -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "order_manager", "support"])
def test_a_customer_s_page_shows_their_open_cart_to_those_who_see_carts(admin_client, role):
    client = admin_client(role)
    ada = shopper()
    cart = age(cart_of(ada, (variant(price="12.50"), 2)), hours=30)
    mark_abandoned_carts(hours=24)

    response = client.get(f"/admin/customers/{ada.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    if role in WHO_SEES_CARTS:
        panel = html[html.index("data-customer-cart") :]
        assert f"/admin/carts/{cart.pk}/" in panel
        assert "2 items, $25.00" in text(panel)
        assert "abandoned" in text(panel)
    else:
        assert "data-customer-cart" not in html


def test_a_customer_without_a_cart_is_said_to_have_none(admin_client):
    client = admin_client("owner")
    ada = shopper()

    html = client.get(f"/admin/customers/{ada.pk}/").content.decode()

    assert "No items in an open cart." in html


def test_the_store_s_delay_is_read_by_the_marking_shown_in_the_admin(admin_client, in_store):
    Tenant.objects.filter(pk=in_store.pk).update(abandoned_cart_hours=72)
    client = admin_client("owner")
    age(cart_of(shopper(), (variant(), 1)), hours=30)

    with schema_context(in_store.schema_name):
        process_store_carts.apply()

    assert rows(client.get("/admin/carts/?abandoned=true")) == []


@pytest.mark.parametrize(
    "query",
    ["abandoned=maybe", "status=bogus", "ordering=token", "p=99999", "q=%00", "p=-1&status="],
)
def test_a_bad_query_string_never_breaks_the_list(admin_client, query):
    client = admin_client("order_manager")
    cart_of(shopper(), (variant(), 1))

    response = client.get(f"/admin/carts/?{query}")

    # Wagtail answers with the list (a bad filter shown as such, the last page for a page past
    # the end), never a server error.
    assert response.status_code == 200
