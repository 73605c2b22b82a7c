"""Every role against every taxes endpoint (the harness is tests/matrix.py): the owner manages
the store's taxes; catalog and order managers and support read them; nobody else, no API key."""

import pytest
from django.db import connection

from taxes import selectors, services
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of

pytestmark = pytest.mark.django_db


def staff_read(status: int = 200) -> dict:
    return expect(403, owner=status, catalog_manager=status, order_manager=status, support=status)


def owner_only(status: int) -> dict:
    return expect(403, owner=status)


ROWS = [
    Endpoint("GET", "/api/v1/taxes/classes/", staff_read()),
    Endpoint("POST", "/api/v1/taxes/classes/", owner_only(201), {"name": "Zero"}),
    Endpoint("GET", "/api/v1/taxes/classes/{reduced}/", staff_read()),
    Endpoint("PATCH", "/api/v1/taxes/classes/{reduced}/", owner_only(200), {"name": "Lower"}),
    Endpoint("DELETE", "/api/v1/taxes/classes/{reduced}/", owner_only(204)),
    Endpoint("GET", "/api/v1/taxes/rates/", staff_read()),
    Endpoint(
        "POST",
        "/api/v1/taxes/rates/",
        owner_only(201),
        {"tax_class": "{standard}", "country": "DE", "rate": "19", "name": "MwSt. 19%"},
    ),
    Endpoint("GET", "/api/v1/taxes/rates/{rate}/", staff_read()),
    Endpoint("PATCH", "/api/v1/taxes/rates/{rate}/", owner_only(200), {"rate": "21"}),
    Endpoint("DELETE", "/api/v1/taxes/rates/{rate}/", owner_only(204)),
    Endpoint("GET", "/api/v1/taxes/settings/", staff_read()),
    Endpoint("PATCH", "/api/v1/taxes/settings/", owner_only(200), {"rounding": "per_total"}),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    standard = selectors.default_tax_class()
    reduced = services.create_tax_class(name="Reduced")
    rate = services.create_tax_rate(tax_class=standard, country="FR", rate="20", name="TVA 20%")
    return {"standard": standard.pk, "reduced": reduced.pk, "rate": rate.pk}


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_taxes_endpoint_is_in_the_matrix():
    from taxes.api.urls import staff

    declared = {f"/api/v1/taxes/{pattern.pattern}" for pattern in staff}
    assert declared - {route_of(row.path) for row in ROWS} == set()
