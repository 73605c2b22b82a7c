"""The store admin's dashboard shows today's orders, revenue and orders to fulfil to the roles
that read orders, and to no other."""

import re

import pytest
from django.db import connection

from orders import actions
from tests.matrix import make_person
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(store_a, store_client):
    def make(role: str):
        connection.set_tenant(store_a)
        client = store_client(store_a)
        client.force_login(make_person(role))
        return client

    return make


def _figure(html: str, label: str) -> str:
    return re.search(rf'data-figure="{label}">(.*?)</li>', html, re.S).group(1)


@pytest.mark.parametrize("role", ["owner", "order_manager"])
def test_order_figures_of_the_day(admin_client, in_store_a, role):
    mug = make_variant(price="10.00", stock=10)
    place([(mug, 1)], shipping="2.00")
    actions.cancel_order(order=place([(mug, 3)]))
    client = admin_client(role)

    html = client.get("/admin/").content.decode()

    assert re.search(r">\s*2\s*<", _figure(html, "Orders today"))
    assert "$12.00" in _figure(html, "Revenue today")
    assert re.search(r">\s*1\s*<", _figure(html, "To fulfil"))


def test_a_catalog_manager_sees_no_order_figure(admin_client, in_store_a):
    html = admin_client("catalog_manager").get("/admin/").content.decode()
    assert 'data-figure="Orders today"' not in html
    assert 'data-figure="Revenue today"' not in html
