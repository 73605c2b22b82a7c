"""Test data of bulk purchasing: companies, their people and keys, orders of a company.
Made through the accounts, catalog and orders services (tests/cart and tests/orders
factories); imported by the tests/b2b/test_bulk_*.py modules (no conftest of our own: the B2B
helpers share tests/b2b/)."""

from dataclasses import replace

from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import Company, CompanyMembership
from pricing import Buyer, Channel
from tests.cart.factories import make_variant
from tests.matrix import COMPANY_KEY_SCOPES, create_user
from tests.orders.factories import draft_for

__all__ = ["api_client", "company_key", "make_company", "make_variant", "member", "place_for"]


def make_company(name: str = "Acme Ltd") -> Company:
    return Company.objects.create(name=name)


def member(company: Company, email: str, role=CompanyMembership.Role.BUYER):
    user = create_user(email)
    account_services.add_company_member(company=company, user=user, role=role)
    return user


def api_client(store, *, user=None, key: str | None = None) -> APIClient:
    client = APIClient(HTTP_HOST=store.primary_host)
    if user is not None:
        token = account_services.issue_auth_token(user=user).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    elif key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def company_key(company: Company, admin, scopes=COMPANY_KEY_SCOPES) -> str:
    return account_services.create_api_key(
        name="ERP", scopes=list(scopes), created_by=admin, company=company
    ).secret


def buyer_of(user, company) -> Buyer:
    return Buyer(channel=Channel.B2B, user=user, company=company)


def place_for(user, company, items):
    """An order of ``user`` for ``company`` of ``items`` ((variant, quantity) pairs)."""
    from orders.actions import place_order

    buyer = buyer_of(user, company)
    draft = replace(
        draft_for(items, buyer=buyer, user=user, email=user.email),
        company=company,
        channel=Channel.B2B,
    )
    return place_order(draft=draft, buyer=buyer)
