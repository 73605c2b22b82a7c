"""Editing an order in the store admin before anything ships (orders.actions.edit_order_lines):
quantities, lines removed or added by SKU, the shipping address; totals recomputed and the
edit on the timeline; refusals next to their fields with what was typed, nothing changed.
Owners and order managers edit; support and catalog managers get 403; customers and
strangers are sent to sign in."""

from decimal import Decimal

import pytest

from orders import actions
from orders.models import OrderEvent
from tests.catalog.store_admin_clients import admin_client, login_redirect
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db

LIST = "/admin/orders/"
NEW_ADDRESS = {
    "address_full_name": "Ada Lovelace",
    "address_line1": "9 Elm St",
    "address_city": "Shelbyville",
    "address_region": "IL",
    "address_postal_code": "62565",
    "address_country": "US",
}


@pytest.fixture
def mug(in_store_a):
    return make_variant(price="10.00", stock=10)


@pytest.fixture
def order(mug):
    return place([(mug, 2)], email="ada@example.com")  # 2 x 10.00 + 5.00 shipping


def form_of(order, **changes) -> dict:
    """What the edit page posts when nothing is changed, with ``changes``."""
    address = order.shipping_address
    data = {f"line_{line.pk}": str(line.quantity) for line in order.lines.all()}
    data |= {f"address_{name}": address.get(name, "") for name in (
        "full_name", "company_name", "line1", "line2", "city", "region", "postal_code",
        "country", "phone")}  # fmt: skip
    return data | changes


def test_each_role_may_edit_or_is_refused(store_a, store_client, order, mug):
    url = f"{LIST}{order.pk}/edit/"
    line = order.lines.get()
    expected = {
        "owner": (200, 302),
        "order_manager": (200, 302),
        "support": (403, 403),
        "catalog_manager": (403, 403),
        "customer": (302, 302),
        "anonymous": (302, 302),
    }

    seen = {}
    quantity = line.quantity
    for role in expected:
        client = store_client(store_a) if role == "anonymous" else admin_client(store_a, role)
        page = client.get(url)
        posted = client.post(url, form_of(order, **{f"line_{line.pk}": str(quantity + 1)}))
        seen[role] = (page.status_code, posted.status_code)
        if posted.status_code == 302 and role in ("customer", "anonymous"):
            assert posted["Location"] == login_redirect(url), role
        if posted.status_code == 302 and role in ("owner", "order_manager"):
            quantity += 1
        line.refresh_from_db()
        assert line.quantity == quantity, f"{role}: the line is {line.quantity}, not {quantity}"

    assert seen == expected
    assert OrderEvent.objects.filter(kind="edited").count() == 2


def test_a_manager_changes_quantities_adds_by_sku_and_moves_the_address(
    store_a, order, mug, in_store_a
):
    spoon = make_variant(price="1.50", stock=4)
    client = admin_client(store_a, "order_manager")
    line = order.lines.get()
    assert "Edit order…" in client.get(f"{LIST}{order.pk}/").content.decode()

    done = client.post(
        f"{LIST}{order.pk}/edit/",
        form_of(order, **{f"line_{line.pk}": "3", "add_sku": spoon.sku, "add_quantity": "2",
                          "note": "Phoned in"}, **NEW_ADDRESS),
    )  # fmt: skip

    assert (done.status_code, done["Location"]) == (302, f"{LIST}{order.pk}/")
    order.refresh_from_db()
    assert {li.sku: li.quantity for li in order.lines.all()} == {mug.sku: 3, spoon.sku: 2}
    assert (order.subtotal, order.total) == (Decimal("33.00"), Decimal("38.00"))
    assert order.shipping_address["city"] == "Shelbyville"
    spoon.refresh_from_db()
    assert spoon.stock_reserved == 2
    detail = client.get(f"{LIST}{order.pk}/").content.decode()
    assert "edited: total $25.00 → $38.00." in detail
    assert "total 25.00 → 38.00, shipping address changed — “Phoned in”" in detail


def test_refusals_are_shown_next_to_their_fields_and_nothing_changes(
    store_a, order, mug, in_store_a
):
    scarce = make_variant(price="2.00", stock=1)
    client = admin_client(store_a, "owner")
    url = f"{LIST}{order.pk}/edit/"
    line = order.lines.get()

    def refused(changes: dict, status: int = 400) -> str:
        response = client.post(url, form_of(order, **changes))
        assert response.status_code == status, changes
        return response.content.decode()

    page = refused({f"line_{line.pk}": "11"})  # 10 in stock
    assert "Only 10 available." in page and 'value="11"' in page
    page = refused({"add_sku": scarce.sku, "add_quantity": "2"})
    assert "Only 1 available." in page
    page = refused({"add_sku": "NO-SUCH-SKU"})
    assert "No product has this SKU." in page
    page = refused({**NEW_ADDRESS, "address_postal_code": "1", "address_line1": ""})
    assert "This field is required." in page and 'value="Shelbyville"' in page
    page = refused({f"line_{line.pk}": "0"})
    assert "Keep at least one line (or cancel the order)." in page
    assert "Nothing was changed." in refused({})
    assert "Enter a whole number." in refused({f"line_{line.pk}": "x"})
    assert "less than or equal to 2147483647" in refused({f"line_{line.pk}": "99999999999"})

    order.refresh_from_db()
    assert (order.total, order.shipping_address["city"]) == (Decimal("25.00"), "Springfield")
    assert order.lines.get().quantity == 2
    assert not OrderEvent.objects.filter(kind="edited").exists()


def test_an_order_that_shipped_can_no_longer_be_edited(store_a, order, in_store_a):
    actions.fulfil(order=order, lines={order.lines.get().pk: 1})
    client = admin_client(store_a, "owner")

    page = client.get(f"{LIST}{order.pk}/edit/")
    posted = client.post(f"{LIST}{order.pk}/edit/", form_of(order))

    assert (page.status_code, posted.status_code) == (409, 409)
    assert "it can no longer be edited" in page.content.decode()
    assert "Edit order…" not in client.get(f"{LIST}{order.pk}/").content.decode()
