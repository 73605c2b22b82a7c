"""Every role against every B2B order endpoint (tests/matrix.py): a company's members read its
orders, its buyers and admins (and its key with ``orders:place``) place them, its approvers and
admins decide on them; nobody else, and no key decides."""

from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Company, CompanyMembership
from tests.b2b.purchasing_factories import US_ADDRESS, make_variant, place, set_up_store
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of

pytestmark = pytest.mark.django_db

MEMBERS = {"company_buyer": 200, "company_approver": 200, "company_admin": 200}


def members(status: int, *, key: int = 403, **by_role) -> dict:
    table = {role: status for role in MEMBERS}
    table.update(by_role)
    return expect(403, company_key=key, **table)


ROWS = [
    Endpoint("GET", "/api/v1/b2b/orders/", members(200, key=200)),
    Endpoint(
        "POST",
        "/api/v1/b2b/orders/",
        members(201, key=201, company_approver=403),
        {
            "lines": [{"sku": "{sku}", "quantity": 1}],
            "po_number": "PO-MATRIX",
            "shipping_address": US_ADDRESS,
        },
    ),
    Endpoint("GET", "/api/v1/b2b/orders/{order}/", members(200, key=200)),
    Endpoint("POST", "/api/v1/b2b/orders/{order}/approve/", members(200, company_buyer=403), {}),
    Endpoint(
        "POST",
        "/api/v1/b2b/orders/{order}/reject/",
        members(200, company_buyer=403),
        {"note": "Over budget"},
    ),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    Company.objects.update(payment_terms=Company.PaymentTerms.NET_30, credit_limit=10000)
    buyer = cast.person("company_buyer")
    CompanyMembership.objects.filter(user=buyer).update(spending_limit=Decimal("1.00"))
    option = set_up_store()
    mug = make_variant(price="10.00", stock=100)
    order = place(buyer, [(mug, 1)], option_id=option)
    assert order.status == "awaiting_approval"
    return {"sku": mug.sku, "order": order.pk}


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_purchasing_endpoint_is_in_the_matrix():
    from django.urls import URLPattern

    from b2b.api import purchasing
    from b2b.api.urls import urlpatterns

    # Only purchasing's own views: an include() (the price lists') has no view of its own.
    declared = {
        f"/api/v1/b2b/{pattern.pattern}"
        for pattern in urlpatterns
        if isinstance(pattern, URLPattern)
        and pattern.callback.view_class.__module__ == purchasing.__name__
    }
    assert declared - {route_of(row.path) for row in ROWS} == set()
