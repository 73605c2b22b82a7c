"""Every role against the shopper's order API (the harness is tests/matrix.py): every person
reaches their own orders only (someone else's: 404); API keys have no orders of their own."""

import pytest
from django.db import connection

from tests.matrix import Endpoint, case_id, check_every_role, create_user, expect, route_of
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db

BASE = "/api/v1/account/orders/"

ROWS = [
    Endpoint("GET", BASE, expect(200)),
    Endpoint("GET", BASE + "{own_order}/", expect(200)),
    Endpoint("GET", BASE + "{other_order}/", expect(404)),
    Endpoint("POST", BASE + "{own_order}/cancel/", expect(200)),
    Endpoint("POST", BASE + "{other_order}/cancel/", expect(404)),
    Endpoint("POST", BASE + "{own_order}/reorder/", expect(200)),
    Endpoint("POST", BASE + "{other_order}/reorder/", expect(404)),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    variant = make_variant(stock=1000)
    stranger = create_user("stranger@example.com")
    return {"variant": variant, "other_order": place([(variant, 1)], user=stranger).number}


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    def own_order(role, person):
        # Keys have no orders of their own: theirs is the stranger's (refused before lookup).
        if person is None:
            return {"own_order": scene["other_order"]}
        return {"own_order": place([(scene["variant"], 1)], user=person).number}

    check_every_role(cast, endpoint, scene, per_role=own_order)


def test_every_shopper_order_endpoint_is_in_the_matrix():
    from orders.api.urls import urlpatterns

    declared = {
        f"/api/v1/{pattern.pattern}".replace("<int:number>", "<int:pk>") for pattern in urlpatterns
    }
    assert declared - {route_of(row.path) for row in ROWS} == set()
