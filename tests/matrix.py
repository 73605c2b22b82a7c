"""The permission matrix harness: every role against every endpoint, asserting status codes.

Each area lists its endpoints as :class:`Endpoint` rows in its own
``tests/<area>/test_permission_matrix.py`` and has ONE test per row that asks every role in turn
(:func:`check_every_role`), each request in a savepoint rolled back after it, so that what one
role changes (a deletion, a sign-out) is not seen by the next. The people of every role and
their credentials (the :class:`Cast`) are made once per test module, inside a transaction that is
rolled back when the module is done (the ``cast`` and ``module_db`` fixtures, tests/conftest.py);
so is a module's scene when its fixture is module-scoped. A failure names every role that got a
wrong status. Add a role here (and to every row's expectations, which ``expect`` makes explicit)
when a later issue adds one.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
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


def case_id(value) -> str:
    """The test id of a row: ``GET /api/v1/x/{thing}/`` (``parametrize("endpoint", ROWS,
    ids=case_id)``)."""
    return str(value)


def matrix_cases(rows: list[Endpoint]) -> list[tuple[Endpoint, str]]:
    """Deprecated: one test per row and role is what made the suite slow; parametrize over the
    rows only and call :func:`check_every_role`."""
    return [(row, role) for row in rows for role in ROLES]


def route_of(path: str) -> str:
    """``/x/{own_address}/`` -> ``/x/<int:pk>/``: the URL pattern a row exercises
    (``{..._secret}`` placeholders stand for ``<str:secret>``)."""
    path = re.sub(r"\{\w+_secret\}", "<str:secret>", path)
    return re.sub(r"\{\w+\}", "<int:pk>", path)


@cache
def hashed_password() -> str:
    """PASSWORD hashed once: tests make thousands of people (tests/hashers.py makes each hash
    cheap, this makes it once)."""
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


@dataclass
class Cast:
    """One person (or key) of every role at ``store``, with the credentials each presents.

    Made once per test module by the ``cast`` fixture (tests/conftest.py), in the module's
    transaction; requests made through :func:`check_every_role` are rolled back after each role,
    so every role meets the people and the scene as they were made.
    """

    store: object
    other_store: object
    people: dict[str, User | None]
    authorization: dict[str, str | None]

    def person(self, role: str) -> User | None:
        """The person behind ``role``'s credentials (a key's: who issued it; foreign ones: None)."""
        return self.people[role]

    def client(self, role: str) -> APIClient:
        client = APIClient(HTTP_HOST=self.store.primary_host)
        if self.authorization[role]:
            client.credentials(HTTP_AUTHORIZATION=self.authorization[role])
        return client


def make_cast(*, store, other_store) -> Cast:
    """Everyone of :data:`ROLES`, made through the accounts services (as :func:`client_for`)."""
    connection.set_tenant(store)
    people: dict[str, User | None] = {"anonymous": None}
    authorization: dict[str, str | None] = {"anonymous": None}
    for role in PEOPLE:
        people[role] = make_person(role)
        authorization[role] = f"Token {services.issue_auth_token(user=people[role]).key}"
    store_key = services.create_api_key(
        name="Integration", scopes=["catalog:read"], created_by=people["owner"]
    )
    people["api_key"] = people["owner"]
    authorization["api_key"] = f"Api-Key {store_key.secret}"
    company_admin = people["company_admin"]
    company_key = services.create_api_key(
        name="Acme purchasing",
        scopes=COMPANY_KEY_SCOPES,
        created_by=company_admin,
        company=company_admin.company_membership.company,
    )
    people["company_key"] = company_admin
    authorization["company_key"] = f"Api-Key {company_key.secret}"
    connection.set_tenant(other_store)
    shopper_elsewhere = make_person("customer")
    people["other_store_user"] = None
    authorization["other_store_user"] = (
        f"Token {services.issue_auth_token(user=shopper_elsewhere).key}"
    )
    connection.set_schema_to_public()
    root = User.objects.create(
        username="root", email="root@example.com", is_staff=True, is_superuser=True
    )
    people["platform_admin"] = None
    authorization["platform_admin"] = f"Token {services.issue_auth_token(user=root).key}"
    connection.set_tenant(store)
    assert set(people) == set(ROLES) == set(authorization)
    return Cast(store=store, other_store=other_store, people=people, authorization=authorization)


def fill(value, values: dict):
    """``"{name}"`` in a row's body -> ``values["name"]`` (its own type); nested as well."""
    if isinstance(value, str) and re.fullmatch(r"\{\w+\}", value):
        return values[value[1:-1]]
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    return value


def send(client: APIClient, endpoint: Endpoint, values: dict):
    """The row's request, its path and body filled from ``values``, as JSON."""
    path = endpoint.path.format(**values)
    method = getattr(client, endpoint.method.lower())
    return method(path, fill(endpoint.body, values), format="json")


def wrong_answer(role: str, endpoint: Endpoint, response) -> str | None:
    """Why ``response`` is not what ``role`` must get from ``endpoint`` (None if it is)."""
    expected = endpoint.expected[role]
    if response.status_code != expected:
        return (
            f"{role}: {endpoint} answered {response.status_code}, expected {expected}: "
            f"{response.content[:300]!r}"
        )
    is_json = response.get("Content-Type") == "application/json"
    if response.status_code >= 400 and is_json and set(response.json()) != {"error"}:
        return f"{role}: {endpoint} answered {response.status_code} without the error shape"
    return None


def check_every_role(
    cast: Cast,
    endpoint: Endpoint,
    scene: dict | None = None,
    *,
    per_role: Callable[[str, User | None], dict] | None = None,
    request: Callable = send,
    before_each: Callable[[], None] | None = None,
) -> None:
    """Every role of :data:`ROLES` makes ``endpoint``'s request; each gets its exact status.

    Each role's turn runs in a savepoint rolled back after it: ``per_role(role, person)`` may
    add what belongs to that person (their address, their order) to the values the path and
    body are filled from; ``request(client, endpoint, values)`` sends (default: :func:`send`);
    ``before_each()`` resets what lives outside the database (rate limits in Redis). Every
    role is asked even after a wrong answer; the failure lists each wrong one.
    """
    wrong = []
    for role in ROLES:
        if before_each is not None:
            before_each()
        with transaction.atomic():
            connection.set_tenant(cast.store)
            values = dict(scene or {})
            if per_role is not None:
                values.update(per_role(role, cast.person(role)))
            connection.set_tenant(cast.store)
            try:
                response = request(cast.client(role), endpoint, values)
            except Exception as error:
                raise AssertionError(f"{role}: {endpoint} raised {error!r}") from error
            problem = wrong_answer(role, endpoint, response)
            transaction.set_rollback(True)
        connection.set_tenant(cast.store)
        if problem:
            wrong.append(problem)
    assert not wrong, f"{len(wrong)} of {len(ROLES)} roles got a wrong answer:\n" + "\n".join(wrong)


def every_role(roles, check: Callable[[str], None]) -> None:
    """``check(role)`` for each of ``roles`` (it asserts what that role must see), each in a
    savepoint rolled back after it: one test asks every role, instead of one test per role.
    Every role is checked even after a failure; the failure names each role that failed."""
    wrong = []
    for role in roles:
        with transaction.atomic():
            try:
                check(role)
            except AssertionError as error:
                wrong.append(f"{role}: {error}")
            transaction.set_rollback(True)
    assert not wrong, f"{len(wrong)} of {len(roles)} roles failed:\n" + "\n".join(wrong)
