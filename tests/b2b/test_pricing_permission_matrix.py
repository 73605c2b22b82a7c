"""Every role against every B2B pricing endpoint (the harness is tests/matrix.py): catalog
managers and the owner manage price lists, entries, customer groups and volume breaks;
support reads them; no customer, company member or API key reaches them."""

import re

import pytest
from django.db import connection

from b2b.pricing import services
from tests.catalog import factories
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of

pytestmark = pytest.mark.django_db


def staff_read(status: int = 200) -> dict:
    return expect(403, owner=status, catalog_manager=status, support=status)


def managers(status: int) -> dict:
    return expect(403, owner=status, catalog_manager=status)


ROWS = [
    Endpoint("GET", "/api/v1/b2b/price-lists/", staff_read()),
    Endpoint("POST", "/api/v1/b2b/price-lists/", managers(201), {"name": "Wholesale"}),
    Endpoint("GET", "/api/v1/b2b/price-lists/{price_list}/", staff_read()),
    Endpoint("PATCH", "/api/v1/b2b/price-lists/{price_list}/", managers(200), {"name": "Renamed"}),
    Endpoint("DELETE", "/api/v1/b2b/price-lists/{price_list}/", managers(204)),
    Endpoint("GET", "/api/v1/b2b/price-lists/{price_list}/entries/", staff_read()),
    Endpoint(
        "POST",
        "/api/v1/b2b/price-lists/{price_list}/entries/",
        managers(201),
        {"target": "product", "target_id": "{product}", "kind": "percent_off", "value": "10"},
    ),
    Endpoint("GET", "/api/v1/b2b/price-lists/{price_list}/entries/{entry}/", staff_read()),
    Endpoint(
        "PATCH",
        "/api/v1/b2b/price-lists/{price_list}/entries/{entry}/",
        managers(200),
        {"value": "7.00"},
    ),
    Endpoint("DELETE", "/api/v1/b2b/price-lists/{price_list}/entries/{entry}/", managers(204)),
    # Without a file: 400 for whoever may import, the refusals of the others first.
    Endpoint(
        "POST",
        "/api/v1/b2b/price-lists/{price_list}/entries/import/",
        expect(403, owner=415, catalog_manager=415),
    ),
    Endpoint("GET", "/api/v1/b2b/customer-groups/", staff_read()),
    Endpoint("POST", "/api/v1/b2b/customer-groups/", managers(201), {"name": "Schools"}),
    Endpoint("GET", "/api/v1/b2b/customer-groups/{group}/", staff_read()),
    Endpoint("PATCH", "/api/v1/b2b/customer-groups/{group}/", managers(200), {"name": "B"}),
    Endpoint("DELETE", "/api/v1/b2b/customer-groups/{group}/", managers(204)),
    Endpoint("GET", "/api/v1/b2b/volume-breaks/", staff_read()),
    Endpoint(
        "POST",
        "/api/v1/b2b/volume-breaks/",
        managers(201),
        {"variant_id": "{variant}", "min_quantity": 20, "unit_price": "8.00"},
    ),
    Endpoint("GET", "/api/v1/b2b/volume-breaks/{tier}/", staff_read()),
    Endpoint("DELETE", "/api/v1/b2b/volume-breaks/{tier}/", managers(204)),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    product = factories.product("Pricing matrix product", price="10.00")
    variant = product.variants.get()
    price_list = services.create_price_list(name="Matrix list")
    entry = services.add_entry(
        price_list=price_list,
        target="variant",
        target_id=variant.pk,
        kind="fixed",
        value="9.00",
    )
    group = services.create_customer_group(name="Matrix group")
    tier = services.add_volume_break(variant=variant, min_quantity=10, unit_price="8.50")
    return {
        "price_list": price_list.pk,
        "entry": entry.pk,
        "group": group.pk,
        "tier": tier.pk,
        "product": product.pk,
        "variant": variant.pk,
    }


def _filled(endpoint: Endpoint, scene: dict) -> Endpoint:
    body = {
        key: scene[value[1:-1]] if isinstance(value, str) and value.startswith("{") else value
        for key, value in endpoint.body.items()
    }
    return Endpoint(endpoint.method, endpoint.path, endpoint.expected, body)


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, _filled(endpoint, scene), scene)


def test_every_pricing_endpoint_is_in_the_matrix():
    from b2b.api.pricing_urls import urlpatterns

    declared = {
        re.sub(r"<int:\w+>", "<int:pk>", f"/api/v1/b2b/{pattern.pattern}")
        for pattern in urlpatterns
    }
    assert declared - {route_of(row.path) for row in ROWS} == set()
