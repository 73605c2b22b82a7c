"""Every role against the payments endpoints (the harness is tests/matrix.py): the owner
manages the methods, order managers and support read them; the owner and order managers mark a
COD payment paid, support reads payments; what checkout offers is public."""

import pytest
from django.db import connection

from payments import services
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of
from tests.payments.factories import cod_payment

pytestmark = pytest.mark.django_db

METHODS = "/api/v1/payments/methods/"
PAYMENTS = "/api/v1/orders/{order}/payments/"
PAYMENT = PAYMENTS + "{payment}/"

READ = expect(403, owner=200, order_manager=200, support=200)
ROWS = [
    Endpoint("GET", METHODS, READ),
    Endpoint("PATCH", METHODS, expect(403, owner=200), {"cod_fee": "1.00"}),
    Endpoint(
        "GET",
        METHODS + "offered/?total=20",
        expect(200, anonymous=200, api_key=200),
    ),
    Endpoint("GET", PAYMENTS, READ),
    Endpoint("GET", PAYMENT, READ),
    Endpoint(
        "POST",
        PAYMENT + "mark-paid/",
        expect(403, owner=200, order_manager=200),
        {"amount": "25.00"},
    ),
    # Only an authorised payment is captured: a COD payment passes the door, then is refused.
    Endpoint("POST", PAYMENT + "capture/", expect(403, owner=409, order_manager=409), {}),
    # Refunds have one path, the orders staff API's /api/v1/orders/<id>/refunds/ (its matrix:
    # tests/ordersstaff).
]
# Starting a payment and reading it by its token are the shopper's: their doors are asked of
# every role in test_permissions_online.py.
SHOPPER_ROUTES = {"/api/v1/payments/start/", "/api/v1/payments/<uuid:token>/"}


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    services.set_method_settings(data={"enabled_methods": ["cod"]})
    payment = cod_payment(2)
    return {"order": payment.order_id, "payment": payment.pk}


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_payments_endpoint_is_in_the_matrix():
    from payments.api.urls import urlpatterns

    declared = {f"/api/v1/{pattern.pattern}" for pattern in urlpatterns}
    tried = {route_of(row.path.split("?")[0]) for row in ROWS}
    tried = {path.replace("orders/<int:pk>/", "orders/<int:order_pk>/") for path in tried}
    assert declared - tried - SHOPPER_ROUTES == set()
