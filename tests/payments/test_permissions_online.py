"""Who may use the online-payment endpoints, one test per endpoint looping over the roles
(tests/matrix.py's people and keys): starting a payment is the shopper's (whoever holds the
order's checkout token; an API key needs orders:place), reading one by its token is open,
provider credentials are the owner's, the mismatch report is for whoever reads payments, the
webhook endpoint takes no credentials at all (its signature is the check)."""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from orders.models import Order
from payments import services
from tests.catalog.store_admin_clients import admin_client, login_redirect
from tests.matrix import ROLES, STAFF, client_for
from tests.payments.example_provider import CODE
from tests.payments.factories import cod_order

pytestmark = pytest.mark.django_db


@contextmanager
def rolled_back():
    """Each role's people and keys are made afresh (tests.matrix names them by role)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _order():
    order = cod_order(1)
    Order.objects.filter(pk=order.pk).update(payment_method=CODE)
    return order


def test_starting_a_payment_by_role(example, store_a, store_b):
    expected = {role: 201 for role in ROLES}
    expected.update(api_key=403, other_store_user=401, platform_admin=401)
    got = {}
    for role in ROLES:
        connection.set_tenant(store_a)
        with rolled_back():
            order = _order()
            client, _ = client_for(role, store=store_a, other_store=store_b)
            connection.set_tenant(store_a)
            answer = client.post(
                "/api/v1/payments/start/",
                {"checkout_token": str(order.checkout_token)},
                format="json",
            )
            got[role] = answer.status_code
    assert got == expected, "start payment: statuses by role differ"


def test_reading_a_payment_by_its_token_by_role(example, store_a, store_b):
    connection.set_tenant(store_a)
    order = _order()
    payment = services.create_payment_for_order(order=order).payment
    expected = {role: 200 for role in ROLES}
    expected.update(other_store_user=401, platform_admin=401)
    got = {}
    for role in ROLES:
        with rolled_back():
            client, _ = client_for(role, store=store_a, other_store=store_b)
            connection.set_tenant(store_a)
            got[role] = client.get(f"/api/v1/payments/{payment.token}/").status_code
    assert got == expected, "read payment by token: statuses by role differ"


def test_saving_provider_credentials_by_staff_role(example, store_a, store_client):
    path = f"/admin/payments/credentials/{CODE}/"
    expected = {"owner": 302, "order_manager": 403, "support": 403, "catalog_manager": 403}
    got = {role: admin_client(store_a, role).post(path, {}).status_code for role in STAFF}
    assert got == expected, "save credentials: statuses by staff role differ"
    nobody = store_client(store_a).post(path, {})
    assert (nobody.status_code, nobody["Location"]) == (302, login_redirect(path))


def test_the_mismatch_report_by_staff_role(example, store_a, store_client):
    path = "/admin/payments/mismatches/"
    expected = {"owner": 200, "order_manager": 200, "support": 200, "catalog_manager": 403}
    got = {role: admin_client(store_a, role).get(path).status_code for role in STAFF}
    assert got == expected, "mismatch report: statuses by staff role differ"
    nobody = store_client(store_a).get(path)
    assert (nobody.status_code, nobody["Location"]) == (302, login_redirect(path))


def test_the_webhook_endpoint_takes_no_credentials_only_a_signature(example, store_a, store_b):
    got = {}
    for role in ROLES:
        with rolled_back():
            client, _ = client_for(role, store=store_a, other_store=store_b)
            connection.set_tenant(store_a)
            got[role] = client.post(
                f"/payments/webhooks/{CODE}/", b"{}", content_type="application/json"
            ).status_code
    assert got == {role: 400 for role in ROLES}, "unsigned webhooks are refused for everyone"
