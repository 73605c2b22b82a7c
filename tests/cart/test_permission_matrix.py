"""Every role against every cart endpoint (the harness is tests/matrix.py).

Anyone may have a cart: anonymous visitors, every signed-in person of the store, and a
company's API key with ``orders:place`` (the matrix's company key holds it). The store's own
key sells, it does not buy: 403. Credentials of another store or of the platform: 401.
Nobody starts with a cart, so changing a line that is not there is a 404 past the door.
"""

import pytest
from django.db import connection

from tests.cart.factories import make_variant
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of

pytestmark = pytest.mark.django_db


def everyone_with_a_cart(status: int) -> dict:
    return expect(status, anonymous=status, api_key=403, company_key=status)


ROWS = [
    Endpoint("GET", "/api/v1/cart/", everyone_with_a_cart(200)),
    Endpoint("DELETE", "/api/v1/cart/", everyone_with_a_cart(200)),
    Endpoint(
        "POST",
        "/api/v1/cart/lines/",
        everyone_with_a_cart(201),
        {"variant": "{variant}", "quantity": 1},
    ),
    Endpoint("PATCH", "/api/v1/cart/lines/{variant}/", everyone_with_a_cart(404), {"quantity": 2}),
    Endpoint("DELETE", "/api/v1/cart/lines/{variant}/", everyone_with_a_cart(200)),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    return {"variant": make_variant().pk}


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_cart_endpoint_is_in_the_matrix():
    from cart.api.urls import urlpatterns

    declared = {
        f"/api/v1/{pattern.pattern}".replace("<int:variant_id>", "<int:pk>")
        for pattern in urlpatterns
    }
    assert declared - {route_of(row.path) for row in ROWS} == set()
