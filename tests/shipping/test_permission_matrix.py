"""Every role against the shipping endpoints (the harness is tests/matrix.py): the owner
manages zones and options, order managers and support read them, the quote is open to all."""

import pytest
from django.db import connection

from shipping import services
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of

pytestmark = pytest.mark.django_db

ZONES = "/api/v1/shipping/zones/"
ZONE = ZONES + "{zone}/"
OPTIONS = ZONE + "options/"
OPTION = OPTIONS + "{option}/"

READ = expect(403, owner=200, order_manager=200, support=200)
ROWS = [
    Endpoint("GET", ZONES, READ),
    Endpoint("POST", ZONES, expect(403, owner=201), {"name": "EU", "countries": ["FR", "DE"]}),
    Endpoint("GET", ZONE, READ),
    Endpoint("PATCH", ZONE, expect(403, owner=200), {"name": "USA"}),
    Endpoint("DELETE", ZONE, expect(403, owner=204)),
    Endpoint("GET", OPTIONS, READ),
    Endpoint(
        "POST",
        OPTIONS,
        expect(403, owner=201),
        {"name": "Pickup", "kind": "local_pickup"},
    ),
    Endpoint("GET", OPTION, READ),
    Endpoint("PATCH", OPTION, expect(403, owner=200), {"price": "6"}),
    Endpoint("DELETE", OPTION, expect(403, owner=204)),
    Endpoint(
        "GET",
        "/api/v1/shipping/options/?country=US&subtotal=10",
        expect(200, anonymous=200, api_key=200),
    ),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    zone = services.create_zone(name="Domestic", countries=["US"])
    option = services.create_option(zone=zone, data={"name": "Standard", "price": "5"})
    return {"zone": zone.pk, "option": option.pk}


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_shipping_endpoint_is_in_the_matrix():
    from shipping.api.urls import urlpatterns

    declared = {f"/api/v1/{pattern.pattern}" for pattern in urlpatterns}
    tried = {route_of(row.path.split("?")[0]) for row in ROWS}
    tried = {path.replace("<int:pk>/options/", "<int:zone_pk>/options/") for path in tried}
    assert declared - tried == set()
