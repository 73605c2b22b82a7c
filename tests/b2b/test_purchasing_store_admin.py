"""The store admin's "Awaiting approval" screen (Orders > Awaiting approval): the orders that
wait for a company's approver, read-only, for the roles that read orders; filtered by company;
one store never sees another's."""

import pytest
from django.db import connection

from money import format_money
from orders.models import OrderStatus
from tests.b2b.purchasing_factories import company, make_variant, member, place, set_up_store
from tests.matrix import PEOPLE, STAFF, every_role

pytestmark = pytest.mark.django_db

URL = "/admin/b2b/approvals/"
READERS = ("owner", "order_manager", "support")


@pytest.fixture
def admin_client(store_a):
    from tests.catalog.store_admin_clients import admin_client

    def make(role, store=store_a):
        if role == "anonymous":
            from tests.conftest import HostClient

            connection.set_tenant(store)
            return HostClient(HTTP_HOST=store.primary_host)
        return admin_client(store, role)

    return make


def awaiting_order(of, option, variant, *, po_number=""):
    buyer = member(of, "buyer")
    order = place(buyer, [(variant, 2)], option_id=option, po_number=po_number)
    assert order.status == OrderStatus.AWAITING_APPROVAL
    return order


@pytest.fixture
def scene(store_a):
    connection.set_tenant(store_a)
    option = set_up_store()
    mug = make_variant(price="100.00", stock=50)
    acme = company(name="Acme", requires_approval=True)
    globex = company(name="Globex", requires_approval=True)
    waiting = awaiting_order(acme, option, mug, po_number="PO-ACME-7")
    other = awaiting_order(globex, option, mug)
    # An order of a company that approves nothing goes to the store at once: not shown.
    free = place(member(company(name="Initech"), "buyer"), [(mug, 1)], option_id=option)
    assert free.status == OrderStatus.PENDING
    return {"acme": acme, "globex": globex, "waiting": waiting, "other": other, "free": free}


def shown(response) -> set[int]:
    html = response.content.decode()
    return {number for number in range(1000, 1100) if f'data-order="{number}"' in html}


def test_staff_who_read_orders_see_the_orders_awaiting_approval_and_no_other(admin_client, scene):
    waiting, other, free = scene["waiting"], scene["other"], scene["free"]

    def reads(role):
        response = admin_client(role).get(URL)
        if role in READERS:
            assert response.status_code == 200
            html = response.content.decode()
            assert shown(response) == {waiting.number, other.number}
            assert f'href="/admin/orders/{waiting.pk}/"' in html
            assert scene["acme"].name in html and scene["globex"].name in html
            assert "PO-ACME-7" in html
            assert waiting.user.email in html
            assert format_money(waiting.total, waiting.currency) in html
            assert "2 orders awaiting approval." in html
            assert "The company decides, not the store" in html
            assert f'data-order="{free.number}"' not in html
        elif role in STAFF:
            assert response.status_code == 403
            assert "Your role does not include the store&#x27;s orders." in (
                response.content.decode()
            )
        else:
            assert response.status_code == 302  # to the admin's sign-in page

    every_role(["anonymous", *PEOPLE], reads)


def test_an_order_decided_by_the_approver_leaves_the_screen(admin_client, scene):
    from b2b.purchasing import approvals

    approver = member(scene["acme"], "approver")
    approvals.approve_order(order=scene["waiting"], actor=approver)

    response = admin_client("order_manager").get(URL)

    assert response.status_code == 200
    assert shown(response) == {scene["other"].number}


def test_the_list_filters_by_company(admin_client, scene):
    client = admin_client("support")

    filtered = client.get(URL, {"company": scene["globex"].pk})
    assert filtered.status_code == 200
    assert shown(filtered) == {scene["other"].number}
    assert "1 order awaiting approval." in filtered.content.decode()

    unknown = client.get(URL, {"company": "999999"})
    assert unknown.status_code == 400
    assert "error-message" in unknown.content.decode()
    assert shown(unknown) == set()


def test_the_orders_menu_shows_the_screen_to_those_who_read_orders(admin_client, scene):
    def in_menu(role) -> bool:
        return URL in admin_client(role).get("/admin/").content.decode()

    assert in_menu("owner") and in_menu("order_manager") and in_menu("support")
    assert not in_menu("catalog_manager")


def test_store_b_staff_never_see_store_a_orders(admin_client, scene, store_b):
    connection.set_tenant(store_b)
    option = set_up_store()
    mug = make_variant(price="10.00", stock=5)
    own = awaiting_order(company(name="Umbrella", requires_approval=True), option, mug)

    response = admin_client("owner", store_b).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Umbrella" in html
    assert scene["acme"].name not in html and scene["globex"].name not in html
    assert "PO-ACME-7" not in html
    assert "1 order awaiting approval." in html
    assert shown(response) == {own.number}
