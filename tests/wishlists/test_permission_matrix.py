"""Every role against the wishlist endpoints (the harness is tests/matrix.py).

A person's lists are theirs, whatever their role (customers, company members, staff); API keys
are not people and have none (403); another person's list is not found (404). A shared list's
link is open to anyone, and dead once revoked.
"""

import pytest
from django.db import connection

from tests.catalog.factories import product
from tests.matrix import Endpoint, case_id, check_every_role, create_user, expect
from tests.matrix import route_of as matrix_route_of
from tests.wishlists.catalog_data import buyer
from wishlists import services

pytestmark = pytest.mark.django_db

OWN = "/api/v1/wishlists/{own_list}/"
SHARED = "/api/v1/wishlists/shared/{shared_secret}/"

ROWS = [
    Endpoint("GET", "/api/v1/wishlists/", expect(200)),
    Endpoint("POST", "/api/v1/wishlists/", expect(201), {"name": "Matrix"}),
    Endpoint("POST", "/api/v1/wishlists/", expect(400), {"name": ""}),
    Endpoint("GET", OWN, expect(200)),
    Endpoint("PATCH", OWN, expect(200), {"name": "Renamed", "notify_back_in_stock": True}),
    Endpoint("DELETE", OWN, expect(204)),
    Endpoint("GET", "/api/v1/wishlists/{other_list}/", expect(404)),
    Endpoint("DELETE", "/api/v1/wishlists/{other_list}/", expect(404)),
    Endpoint("POST", OWN + "items/", expect(201), {"variant": "{variant}"}),
    Endpoint("POST", "/api/v1/wishlists/{other_list}/items/", expect(404), {"variant": 1}),
    Endpoint("DELETE", OWN + "items/{saved_variant}/", expect(204)),
    Endpoint("POST", OWN + "items/{saved_variant}/move-to-cart/", expect(200)),
    Endpoint("POST", OWN + "share/", expect(200)),
    Endpoint("DELETE", OWN + "share/", expect(204)),
    Endpoint("GET", SHARED, expect(200, anonymous=200, api_key=200)),
    Endpoint(
        "GET", "/api/v1/wishlists/shared/{revoked_secret}/", expect(404, anonymous=404, api_key=404)
    ),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    stranger = create_user("stranger@example.com")
    theirs = services.default_wishlist(user=stranger)
    shared = services.share_wishlist(
        wishlist=services.create_wishlist(user=stranger, name="Shared")
    )
    revoked = services.share_wishlist(
        wishlist=services.create_wishlist(user=stranger, name="Revoked")
    )
    revoked_secret = revoked.share_token
    services.revoke_share(wishlist=revoked)
    variant = product("Matrix tee", price="20.00", stock=50).variants.get()
    saved = product("Matrix mug", price="9.00", stock=50).variants.get()
    return {
        "other_list": theirs.pk,
        "shared_secret": shared.share_token,
        "revoked_secret": revoked_secret,
        "variant": variant.pk,
        "saved_variant": saved.pk,
    }


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    def own_list(role, person):
        if person is None:
            return {"own_list": 0}
        wishlist = services.default_wishlist(user=person)
        services.add_item(wishlist=wishlist, variant_id=scene["saved_variant"], buyer=buyer(person))
        return {"own_list": wishlist.pk}

    check_every_role(cast, endpoint, scene, per_role=own_list)


def route_of(path: str) -> str:
    return matrix_route_of(path).replace("<str:secret>", "<str:token>")


def test_every_wishlist_endpoint_is_in_the_matrix():
    from wishlists.api.urls import urlpatterns

    declared = {f"/api/v1/{pattern.pattern}" for pattern in urlpatterns}
    covered = {
        route_of(row.path).replace("<int:pk>/items/<int:pk>", "<int:pk>/items/<int:variant_id>")
        for row in ROWS
    }
    assert declared - covered == set()
