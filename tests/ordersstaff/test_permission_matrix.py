"""Every role against the staff order API (harness: tests/matrix.py): owners and order
managers act, support reads, the store's keys need ``orders:read`` (the matrix's key has only
``catalog:read``), nobody else gets in."""

import pytest
from django.db import connection

from payments import services as payment_services
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
ORDER = ORDERS + "{order}/"
READ = expect(403, owner=200, order_manager=200, support=200)


def act(status: int) -> dict:
    return expect(403, owner=status, order_manager=status)


ROWS = [
    Endpoint("GET", ORDERS, READ),
    Endpoint("GET", ORDERS + "?status=pending&q=ada", READ),
    Endpoint("GET", ORDER, READ),
    Endpoint(
        "POST",
        ORDER + "fulfilments/",
        act(201),
        {"carrier": "UPS", "lines": [{"line": "{line}", "quantity": 1}]},
    ),
    Endpoint("POST", ORDER + "cancel/", act(200)),
    Endpoint("POST", ORDER + "deliver/", act(409)),
    Endpoint("POST", ORDER + "notes/", act(201), {"note": "Called"}),
    Endpoint("POST", ORDER + "refunds/", act(400), {"amount": "1.00", "payment": "{payment}"}),
    # Where the store's own emails go: the owner's, as the admin's Settings > Notifications.
    Endpoint("GET", ORDERS + "notifications/", expect(403, owner=200)),
    Endpoint(
        "PATCH",
        ORDERS + "notifications/",
        expect(403, owner=200),
        {"notify_staff_email": "orders@example.com"},
    ),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    order = place([(make_variant(price="10.00"), 2)], email="ada@example.com")
    payment_services.set_method_settings(data={"enabled_methods": ["cod"]})
    payment = payment_services.create_payment_for_order(order=order).payment
    return {"order": order.pk, "payment": payment.pk, "line": order.lines.get().pk}


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_staff_order_endpoint_is_in_the_matrix():
    from orders.api.staff_urls import urlpatterns

    declared = {f"/api/v1/{pattern.pattern}" for pattern in urlpatterns}
    tried = {route_of(row.path.split("?")[0]) for row in ROWS}
    assert declared - tried == set()
