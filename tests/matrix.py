"""The permission matrix harness: every role against every endpoint, asserting status codes.

Each area lists its endpoints as :class:`Endpoint` rows in its own
``tests/<area>/test_permission_matrix.py`` and parametrizes over ``matrix_cases(ROWS)``;
:func:`check` signs in a person of the role at store A and makes the request. Add a role here
(and to every row's expectations, which ``expect`` makes explicit) when a later issue adds one.

Roles:
  anonymous          no credentials
  customer           a B2C shopper of store A
  company_buyer, company_approver, company_admin
                     members of a B2B company at store A
  owner, catalog_manager, order_manager, support
                     store A's staff
  api_key            the store's own integration key (store A) with the ``catalog:read`` scope
  company_key        a key of a B2B company of store A, with every scope (``catalog:read``,
                     ``orders:read``, ``orders:place``): it reaches only what the company may
                     reach as a buyer, never a staff endpoint
  other_store_user   a shopper of store B presenting their token at store A
  platform_admin     a platform admin (public schema) presenting their token at store A
"""

import re
from dataclasses import dataclass, field
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection
from rest_framework.test import APIClient

from accounts import services
from accounts.models import Company, CompanyMembership, User

PASSWORD = "Correct-horse-42"

STAFF = ("owner", "catalog_manager", "order_manager", "support")
COMPANY = ("company_buyer", "company_approver", "company_admin")
PEOPLE = ("customer", *COMPANY, *STAFF)
FOREIGN = ("other_store_user", "platform_admin")
KEYS = ("api_key", "company_key")
ROLES = ("anonymous", *PEOPLE, *KEYS, *FOREIGN)
COMPANY_KEY_SCOPES = ["catalog:read", "orders:place", "orders:read"]


def expect(
    people: int,
    *,
    anonymous: int = 401,
    api_key: int = 403,
    company_key: int | None = None,
    **by_role: int,
) -> dict:
    """Expected status per role: ``people`` for every signed-in person of the store unless
    named in ``by_role``; foreign credentials are never authenticated (401).

    A company's key, unless named, gets what the store's key gets at an open door (where the
    store's key is answered as anonymous callers are) and 403 everywhere else: it reaches no
    endpoint that is closed to the public unless the row says so.
    """
    if company_key is None:
        company_key = api_key if api_key == anonymous else 403
    table = {role: people for role in PEOPLE}
    table.update(
        anonymous=anonymous,
        api_key=api_key,
        company_key=company_key,
        other_store_user=401,
        platform_admin=401,
    )
    table.update(by_role)
    assert set(table) == set(ROLES), set(table) ^ set(ROLES)
    return table


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # may name fixtures of the scene: {own_address}, {other_address}, {store_key}
    expected: dict
    body: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def matrix_cases(rows: list[Endpoint]) -> list[tuple[Endpoint, str]]:
    return [(row, role) for row in rows for role in ROLES]


def case_id(value) -> str:
    return str(value)


def route_of(path: str) -> str:
    """``/x/{own_address}/`` -> ``/x/<int:pk>/``: the URL pattern a row exercises
    (``{..._secret}`` placeholders stand for ``<str:secret>``)."""
    path = re.sub(r"\{\w+_secret\}", "<str:secret>", path)
    return re.sub(r"\{\w+\}", "<int:pk>", path)


@cache
def hashed_password() -> str:
    """PASSWORD hashed once (Argon2 takes ~0.15 s a time; the matrix makes hundreds of people)."""
    return make_password(PASSWORD)


def create_user(email: str, **fields) -> User:
    """A person whose password is PASSWORD, with a verified email."""
    user = User.objects.create(username=email, email=email, password=hashed_password(), **fields)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def make_person(role: str) -> User:
    email = f"{role}@example.com"
    if role == "owner":
        return create_user(email, staff_role=role, is_staff=True, is_superuser=True)
    if role in STAFF:
        return services.change_staff_role(user=create_user(email), role=role)
    user = create_user(email)
    if role in COMPANY:
        company = Company.objects.first() or Company.objects.create(name="Acme Ltd")
        role_in_company = {
            "company_buyer": CompanyMembership.Role.BUYER,
            "company_approver": CompanyMembership.Role.APPROVER,
            "company_admin": CompanyMembership.Role.ADMIN,
        }[role]
        services.add_company_member(company=company, user=user, role=role_in_company)
    return user


def client_for(role: str, *, store, other_store) -> tuple[APIClient, User | None]:
    """A client at ``store`` carrying the credentials of ``role``, and the person behind it."""
    client = APIClient(HTTP_HOST=store.primary_host)
    if role == "anonymous":
        return client, None
    if role in FOREIGN:
        if role == "platform_admin":
            connection.set_schema_to_public()
            user = User.objects.create(
                username="root", email="root@example.com", is_staff=True, is_superuser=True
            )
        else:
            connection.set_tenant(other_store)
            user = make_person("customer")
        token = services.issue_auth_token(user=user).key
        connection.set_tenant(store)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client, None
    if role == "api_key":
        issued = services.create_api_key(
            name="Integration", scopes=["catalog:read"], created_by=make_person("owner")
        )
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.secret}")
        return client, issued.api_key.created_by
    if role == "company_key":
        company_admin = make_person("company_admin")
        issued = services.create_api_key(
            name="Acme purchasing",
            scopes=COMPANY_KEY_SCOPES,
            created_by=company_admin,
            company=company_admin.company_membership.company,
        )
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.secret}")
        return client, company_admin
    user = make_person(role)
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.issue_auth_token(user=user).key}")
    return client, user


def check(client: APIClient, endpoint: Endpoint, role: str, scene: dict) -> None:
    path = endpoint.path.format(**scene)
    response = getattr(client, endpoint.method.lower())(path, endpoint.body, format="json")
    expected = endpoint.expected[role]
    assert response.status_code == expected, (
        f"{role}: {endpoint} answered {response.status_code}, expected {expected}: "
        f"{response.content[:300]!r}"
    )
    if response.status_code >= 400 and response.get("Content-Type") == "application/json":
        assert set(response.json()) == {"error"}
