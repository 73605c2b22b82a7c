"""Every role against every identity endpoint (the harness is tests/matrix.py)."""

import secrets
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts import services
from accounts.models import Address, Company, CompanyInvitation, digest_secret
from tests.matrix import (
    PASSWORD,
    Endpoint,
    case_id,
    check_every_role,
    create_user,
    expect,
    route_of,
)

pytestmark = pytest.mark.django_db

ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}
NEW_PASSWORD = "Battery-staple-97"

ROWS = [
    # Open doors: anyone may try them; foreign credentials are still refused.
    Endpoint(
        "POST",
        "/api/v1/auth/registration/",
        expect(201, anonymous=201, api_key=201),
        {"email": "newcomer@example.com", "password1": PASSWORD, "password2": PASSWORD},
    ),
    # An address that has an account gets the same answer as a new one (no enumeration).
    Endpoint(
        "POST",
        "/api/v1/auth/registration/",
        expect(201, anonymous=201, api_key=201),
        {"email": "customer@example.com", "password1": PASSWORD, "password2": PASSWORD},
    ),
    Endpoint(
        "POST",
        "/api/v1/auth/login/",
        expect(400, anonymous=400, api_key=400),
        {"email": "nobody@example.com", "password": "wrong"},
    ),
    Endpoint(
        "POST",
        "/api/v1/auth/registration/verify-email/",
        expect(404, anonymous=404, api_key=404),
        {"key": "not-a-key"},
    ),
    Endpoint(
        "POST",
        "/api/v1/auth/password/reset/",
        expect(200, anonymous=200, api_key=200),
        {"email": "customer@example.com"},
    ),
    Endpoint(
        "POST",
        "/api/v1/auth/password/reset/confirm/",
        expect(400, anonymous=400, api_key=400),
        {"uid": "zz", "token": "nope", "new_password1": PASSWORD, "new_password2": PASSWORD},
    ),
    Endpoint(
        "POST",
        "/api/v1/auth/registration/resend-email/",
        expect(200, anonymous=200, api_key=200),
        {"email": "customer@example.com"},
    ),
    # One's own account: every person; never an API key.
    Endpoint("POST", "/api/v1/auth/logout/", expect(200)),
    Endpoint(
        "POST",
        "/api/v1/auth/password/change/",
        expect(200),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ),
    Endpoint("GET", "/api/v1/auth/user/", expect(200)),
    Endpoint("PATCH", "/api/v1/auth/user/", expect(200), {"first_name": "Ada"}),
    Endpoint("DELETE", "/api/v1/auth/user/", expect(204), {"password": PASSWORD}),
    Endpoint("GET", "/api/v1/auth/user/addresses/", expect(200)),
    Endpoint("POST", "/api/v1/auth/user/addresses/", expect(201), ADDRESS),
    Endpoint("GET", "/api/v1/auth/user/addresses/{own_address}/", expect(200)),
    Endpoint("PATCH", "/api/v1/auth/user/addresses/{own_address}/", expect(200), {"city": "Bath"}),
    Endpoint("DELETE", "/api/v1/auth/user/addresses/{own_address}/", expect(204)),
    Endpoint("GET", "/api/v1/auth/user/addresses/{other_address}/", expect(404)),
    Endpoint("DELETE", "/api/v1/auth/user/addresses/{other_address}/", expect(404)),
    Endpoint("GET", "/api/v1/auth/mfa/totp/", expect(200)),
    Endpoint("POST", "/api/v1/auth/mfa/totp/", expect(400), {"secret": "JBSWY3DP", "code": "1"}),
    Endpoint("POST", "/api/v1/auth/mfa/totp/", expect(400), {"secret": "not base32!", "code": "1"}),
    # API keys: the owner and support (read) for the store's, a company admin for theirs.
    Endpoint(
        "GET", "/api/v1/auth/api-keys/", expect(403, owner=200, support=200, company_admin=200)
    ),
    Endpoint(
        "POST",
        "/api/v1/auth/api-keys/",
        expect(403, owner=201, company_admin=201),
        {"name": "ERP", "scopes": ["orders:read"]},
    ),
    Endpoint(
        "GET",
        "/api/v1/auth/api-keys/{store_key}/",
        expect(403, owner=200, support=200, company_admin=404),
    ),
    Endpoint(
        "DELETE", "/api/v1/auth/api-keys/{store_key}/", expect(403, owner=204, company_admin=404)
    ),
    Endpoint("GET", "/api/v1/auth/api-keys/current/", expect(403, api_key=200, company_key=200)),
    # Companies: their members; the owner, who may look, has no company of their own (404).
    Endpoint(
        "GET",
        "/api/v1/auth/company/",
        expect(403, company_buyer=200, company_approver=200, company_admin=200, owner=404),
    ),
    Endpoint(
        "GET",
        "/api/v1/auth/company/members/",
        expect(403, company_buyer=200, company_approver=200, company_admin=200, owner=404),
    ),
    # Invitations: the same 202 whoever the address belongs to (a newcomer, a stranger, a
    # member of staff, nobody); only its owner, signed in with it, accepts.
    *[
        Endpoint(
            "POST",
            "/api/v1/auth/company/members/",
            expect(403, company_admin=202, owner=404),
            {"email": email, "role": "buyer"},
        )
        for email in ("newhire@example.com", "owner@example.com", "nobody@example.com")
    ],
    Endpoint(
        "POST",
        "/api/v1/auth/company/invitations/{newcomer_invitation_secret}/accept/",
        expect(403),
    ),
    Endpoint(
        "POST",
        "/api/v1/auth/company/invitations/{own_invitation_secret}/accept/",
        expect(
            201,
            company_buyer=409,
            company_approver=409,
            company_admin=409,
            owner=403,
            catalog_manager=403,
            order_manager=403,
            support=403,
        ),
    ),
    Endpoint(
        "POST", "/api/v1/auth/company/invitations/{expired_invitation_secret}/accept/", expect(404)
    ),
    # The store's security policy: the owner changes it, support may read it.
    Endpoint("GET", "/api/v1/auth/store/security/", expect(403, owner=200, support=200)),
    Endpoint(
        "PATCH",
        "/api/v1/auth/store/security/",
        expect(403, owner=200),
        {"require_staff_mfa": False},
    ),
    # The owner has no TOTP yet: requiring it of staff would lock them out.
    Endpoint(
        "PATCH",
        "/api/v1/auth/store/security/",
        expect(403, owner=400),
        {"require_staff_mfa": True},
    ),
]


def invitation_secret(email: str, *, expired: bool = False) -> str:
    """A pending invitation to Acme Ltd for ``email`` (or an expired one): its link's secret."""
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    CompanyInvitation.objects.create(
        company=Company.objects.first() or Company.objects.create(name="Acme Ltd"),
        email=email,
        digest=digest_secret(secret),
        expires_at=now - timedelta(minutes=1) if expired else now + timedelta(days=7),
    )
    return secret


@pytest.fixture(scope="module")
def scene(cast):
    """What the rows point at, in store A: a store key, someone else's address, a newcomer."""
    connection.set_tenant(cast.store)
    stranger = create_user("stranger@example.com")
    newcomer = create_user("newhire@example.com")
    key_owner = create_user("keys@example.com")
    key = services.create_api_key(name="Store ERP", scopes=["catalog:read"], created_by=key_owner)
    return {
        "other_address": Address.objects.create(user=stranger, **ADDRESS).pk,
        "store_key": key.api_key.pk,
        "newcomer": newcomer.pk,
        "newcomer_invitation_secret": invitation_secret(newcomer.email),
        "expired_invitation_secret": invitation_secret("customer@example.com", expired=True),
    }


def own_address_and_invitation(role, person) -> dict:
    return {
        "own_address": Address.objects.create(user=person, **ADDRESS).pk if person else 0,
        "own_invitation_secret": invitation_secret(
            person.email if person else "nobody@example.com"
        ),
    }


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    # Throttles, lockouts and used TOTP codes live in Redis (not rolled back): each role starts
    # afresh, as each test does (tests/accounts/conftest.py).
    check_every_role(
        cast, endpoint, scene, per_role=own_address_and_invitation, before_each=cache.clear
    )


def test_every_identity_endpoint_is_in_the_matrix():
    from accounts.api.urls import urlpatterns

    declared = {f"/api/v1/{pattern.pattern}" for pattern in urlpatterns}
    assert declared - {route_of(row.path) for row in ROWS} == set()
