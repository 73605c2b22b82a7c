"""Every role against every bulk purchasing endpoint (the harness is tests/matrix.py).

Adding to the cart (quick order, CSV, reorder, a list to the cart) is for a company's buyers
and admins and its keys with ``orders:place``; approvers do not buy (403). Lists are seen and
made by every member, read by the company's keys (``orders:read``), changed by their maker and
the company's admins (the scene's list is the company admin's: other members get 403). Staff
and B2C shoppers buy for no company: 403, the owner (who holds every permission) included.
"""

import pytest
from django.db import connection

from b2b.bulk import requisitions
from b2b.bulk.lines import RequestedLine
from tests.b2b.bulk_scene import make_variant, place_for
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of

pytestmark = pytest.mark.django_db

STAFF_AND_SHOPPERS = dict(
    customer=403, owner=403, catalog_manager=403, order_manager=403, support=403
)


def buyers(status: int) -> dict:
    return expect(
        status,
        company_approver=403,
        company_key=status,
        **STAFF_AND_SHOPPERS,
    )


def members(status: int, *, key: int = 403) -> dict:
    return expect(status, company_key=key, **STAFF_AND_SHOPPERS)


def makers(status: int) -> dict:
    """The list's maker (the company admin) only."""
    return expect(
        403,
        company_admin=status,
        anonymous=401,
        other_store_user=401,
        platform_admin=401,
    )


ROWS = [
    Endpoint(
        "POST",
        "/api/v1/b2b/quick-order/",
        buyers(200),
        {"lines": [{"sku": "{sku}", "quantity": 1}], "validate_only": True},
    ),
    Endpoint("POST", "/api/v1/b2b/quick-order/csv/", buyers(200)),
    Endpoint("POST", "/api/v1/b2b/orders/{order}/reorder/", buyers(200)),
    Endpoint("GET", "/api/v1/b2b/requisition-lists/", members(200, key=200)),
    Endpoint("POST", "/api/v1/b2b/requisition-lists/", members(201), {"name": "Weekly"}),
    Endpoint("GET", "/api/v1/b2b/requisition-lists/{list}/", members(200, key=200)),
    Endpoint("PATCH", "/api/v1/b2b/requisition-lists/{list}/", makers(200), {"name": "New"}),
    Endpoint("DELETE", "/api/v1/b2b/requisition-lists/{list}/", makers(204)),
    Endpoint(
        "POST",
        "/api/v1/b2b/requisition-lists/{list}/lines/",
        makers(200),
        {"sku": "{sku}", "quantity": 2},
    ),
    Endpoint("DELETE", "/api/v1/b2b/requisition-lists/{list}/lines/{line}/", makers(200)),
    Endpoint("POST", "/api/v1/b2b/requisition-lists/{list}/add-to-cart/", buyers(200)),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    admin = cast.person("company_admin")
    company = admin.company_membership.company
    variant = make_variant(stock=1000)
    order = place_for(admin, company, [(variant, 1)])
    made = requisitions.create_list(
        company=company,
        user=admin,
        name="Admin's list",
        lines=[RequestedLine(row=1, sku=variant.sku, quantity=3)],
    )
    return {
        "sku": variant.sku,
        "order": order.number,
        "list": made.pk,
        "line": made.lines.get().pk,
    }


def send_csv(client, endpoint, values):
    import io

    data = io.BytesIO(f"{values['sku']},1\n".encode())
    return client.post(
        endpoint.path.format(**values),
        {"file": data, "validate_only": "true"},
        format="multipart",
    )


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    if endpoint.path.endswith("/csv/"):
        check_every_role(cast, endpoint, scene, request=send_csv)
    else:
        check_every_role(cast, endpoint, scene)


def test_every_bulk_endpoint_is_in_the_matrix():
    from django.urls import URLPattern

    from b2b.api.urls import urlpatterns

    # Only bulk's own views: an include() (the price lists') has no view of its own.
    bulk = {
        "/api/v1/b2b/"
        + str(pattern.pattern)
        .replace("<int:number>", "<int:pk>")
        .replace("<int:line_id>", "<int:pk>")
        for pattern in urlpatterns
        if isinstance(pattern, URLPattern) and pattern.callback.__module__ == "b2b.api.bulk"
    }
    assert bulk - {route_of(row.path) for row in ROWS} == set()


def test_the_bulk_operations_are_documented_with_examples(store_api_schema):
    paths = store_api_schema["paths"]
    quick = paths["/api/v1/b2b/quick-order/"]["post"]
    assert quick["operationId"] == "b2b_quick_order"
    assert "examples" in quick["requestBody"]["content"]["application/json"]
    assert "examples" in quick["responses"]["200"]["content"]["application/json"]
    assert "Idempotency-Key" in {p["name"] for p in quick.get("parameters", [])}
    assert (
        "multipart/form-data"
        in paths["/api/v1/b2b/quick-order/csv/"]["post"]["requestBody"]["content"]
    )
    for path in (
        "/api/v1/b2b/orders/{number}/reorder/",
        "/api/v1/b2b/requisition-lists/",
        "/api/v1/b2b/requisition-lists/{id}/add-to-cart/",
    ):
        assert path in paths, sorted(p for p in paths if "/b2b/" in p)
