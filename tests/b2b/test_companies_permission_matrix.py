"""Every role against every company endpoint (the harness is tests/matrix.py): staff who see
customers read companies, the owner and order managers decide and set terms; a customer
applies, a member cannot (409) nor can staff (403); a company's members read its locations and
members, its admin changes them; the store's owner has no company of their own (404); a
company's key reads its locations (to ship there) and nothing of the staff's."""

import pytest
from django.db import connection

from accounts.models import CompanyMembership
from b2b.companies import services
from tests.b2b.companies_scene import BERLIN, application, shopper
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of

pytestmark = pytest.mark.django_db

READ = expect(403, owner=200, order_manager=200, support=200)
DECIDE = expect(403, owner=200, order_manager=200)
MEMBERS = {"company_buyer": 200, "company_approver": 200, "company_admin": 200}
ADMIN_ONLY = {"company_admin": 200, "owner": 404}
LOCATION = {"name": "Dock 9", "shipping_address": BERLIN, "billing_address": BERLIN}

ROWS = [
    Endpoint("GET", "/api/v1/b2b/companies/", READ),
    Endpoint("GET", "/api/v1/b2b/companies/{company}/", READ),
    Endpoint("PATCH", "/api/v1/b2b/companies/{company}/", DECIDE, {"payment_terms": "net_15"}),
    Endpoint("POST", "/api/v1/b2b/companies/{pending}/approve/", DECIDE, {"note": "ok"}),
    Endpoint("POST", "/api/v1/b2b/companies/{pending}/reject/", DECIDE, {"note": "No."}),
    Endpoint(
        "POST",
        "/api/v1/b2b/applications/",
        expect(
            403,
            customer=201,
            company_buyer=409,
            company_approver=409,
            company_admin=409,
        ),
        application(),
    ),
    Endpoint(
        "GET",
        "/api/v1/b2b/company/locations/",
        expect(403, **MEMBERS, owner=404, company_key=200),
    ),
    Endpoint(
        "POST",
        "/api/v1/b2b/company/locations/",
        expect(403, company_admin=201, owner=404),
        LOCATION,
    ),
    Endpoint(
        "GET",
        "/api/v1/b2b/company/locations/{location}/",
        expect(403, **MEMBERS, owner=404, company_key=200),
    ),
    Endpoint(
        "PATCH",
        "/api/v1/b2b/company/locations/{location}/",
        expect(403, **ADMIN_ONLY),
        {"name": "Dock 10"},
    ),
    Endpoint(
        "DELETE",
        "/api/v1/b2b/company/locations/{location}/",
        expect(403, company_admin=204, owner=404),
    ),
    Endpoint("GET", "/api/v1/b2b/company/members/{member}/", expect(403, **MEMBERS, owner=404)),
    Endpoint(
        "PATCH",
        "/api/v1/b2b/company/members/{member}/",
        expect(403, **ADMIN_ONLY),
        {"spending_limit": "100.00"},
    ),
    Endpoint(
        "DELETE",
        "/api/v1/b2b/company/members/{member}/",
        expect(403, company_admin=204, owner=404),
    ),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    buyer = cast.person("company_buyer")
    company = buyer.company_membership.company
    location = services.save_location(
        company=company, name="Head office", shipping_address=BERLIN, billing_address=BERLIN
    )
    pending = services.apply_for_company(user=shopper("applicant@example.com"), **application())
    member = CompanyMembership.objects.get(user=buyer)
    return {
        "company": company.pk,
        "pending": pending.pk,
        "location": location.pk,
        "member": member.pk,
    }


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_company_endpoint_is_in_the_matrix():
    from b2b.api.urls import urlpatterns

    declared = {f"/api/v1/b2b/{pattern.pattern}" for pattern in urlpatterns}
    companies = {path for path in declared if "compan" in path or "applications" in path}
    assert companies - {route_of(row.path) for row in ROWS} == set()


def test_the_company_api_is_documented_with_examples(store_api_schema):
    paths = store_api_schema["paths"]
    for path, method in (
        ("/api/v1/b2b/applications/", "post"),
        ("/api/v1/b2b/company/locations/", "post"),
        ("/api/v1/b2b/companies/{id}/", "patch"),
        ("/api/v1/b2b/companies/{id}/approve/", "post"),
        ("/api/v1/b2b/companies/{id}/reject/", "post"),
        ("/api/v1/b2b/company/members/{id}/", "patch"),
    ):
        body = paths[path][method]["requestBody"]["content"]["application/json"]
        assert body.get("examples"), f"{method.upper()} {path} has no example"
    listing = paths["/api/v1/b2b/companies/"]["get"]
    assert {"cursor", "status"} <= {parameter["name"] for parameter in listing["parameters"]}
    assert "Idempotency-Key" in {
        parameter["name"] for parameter in paths["/api/v1/b2b/applications/"]["post"]["parameters"]
    }
