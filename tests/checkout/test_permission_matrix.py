"""Every role against every checkout endpoint (the harness is tests/matrix.py).

Whoever may have a cart may check out: anonymous visitors, every signed-in person of the
store, a company's API key with ``orders:place``. The store's own key sells, it does not buy:
403. Credentials of another store or of the platform: 401. Nobody in the scene has a cart of
their own, so starting is a 400 ``cart_empty``; the scene's checkout is an anonymous one, which
its (unguessable) token opens for whoever holds it; completing it is a 400 past the door (its
address and delivery are missing).
"""

import pytest
from django.db import connection

from checkout import services
from pricing import Buyer
from tests.checkout.factories import cart_with, variant
from tests.matrix import Endpoint, case_id, check_every_role, expect

pytestmark = pytest.mark.django_db


def everyone_checking_out(status: int) -> dict:
    return expect(status, anonymous=status, api_key=403, company_key=status)


ROWS = [
    Endpoint("POST", "/api/v1/checkout/", everyone_checking_out(400)),
    Endpoint("GET", "/api/v1/checkout/{checkout_token}/", everyone_checking_out(200)),
    Endpoint(
        "PATCH",
        "/api/v1/checkout/{checkout_token}/",
        everyone_checking_out(200),
        {"note": "Ring twice."},
    ),
    Endpoint(
        "GET", "/api/v1/checkout/{checkout_token}/delivery-options/", everyone_checking_out(200)
    ),
    Endpoint("POST", "/api/v1/checkout/{checkout_token}/complete/", everyone_checking_out(400)),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    checkout = services.start_checkout(cart=cart_with((variant(), 1)), buyer=Buyer.anonymous())
    return {"checkout_token": str(checkout.token)}


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_checkout_endpoint_is_in_the_matrix():
    from checkout.api.urls import urlpatterns

    declared = {f"/api/v1/{pattern.pattern}" for pattern in urlpatterns}
    rows = {row.path.replace("{checkout_token}", "<str:token>") for row in ROWS}
    assert declared == rows
