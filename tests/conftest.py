"""Test harness: tenant schemas are created once per session, tests are isolated by transaction.

The test database is built by migrate_schemas (public schema, then the store template); the two
test stores are then cloned from the template, exactly as real stores are provisioned, and kept
between runs with --reuse-db. Never migrate a schema per test: it takes seconds.
"""

import copy
import random

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import hashers
from django.db import connection, transaction
from django.test import Client

from tenants.models import Tenant
from tenants.services import provision_store
from tests.hashers import cheap

TEST_STORES = {"store_a": "Store A", "store_b": "Store B"}

# Argon2 still, at its cheapest cost (tests/hashers.py): hashing at the production cost was a
# large share of the suite's time.
settings.PASSWORD_HASHERS = cheap(settings.PASSWORD_HASHERS)
hashers.get_hashers.cache_clear()
hashers.get_hashers_by_algorithm.cache_clear()


class HostClient(Client):
    """A test client that puts the connection back in the test's schema after each request.

    The routing middleware switches the (shared, in-process) connection to the request's store;
    in production every request sets its own schema first, but a test reads on afterwards.
    """

    def request(self, **request):
        previous = connection.tenant
        try:
            return super().request(**request)
        finally:
            connection.set_tenant(previous)


def _ensure_store(schema_name: str, name: str) -> Tenant:
    existing = Tenant.objects.filter(schema_name=schema_name).first()
    if existing is not None:
        return existing
    return provision_store(name=name, slug=schema_name.replace("_", "-"), schema_name=schema_name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_keepdb, django_db_createdb):
    with django_db_blocker.unblock():
        # pytest-django sets the test database up only when a collected test uses ``db``; tests
        # of the live server do not (their data is committed, for the server to see), so a
        # session of those alone sets it up here, as pytest-django would (--reuse-db kept).
        from django.test.utils import setup_databases

        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            setup_databases(
                verbosity=0,
                interactive=False,
                aliases={"default"},
                keepdb=django_db_keepdb and not django_db_createdb,
            )
        connection.set_schema_to_public()
        for schema_name, name in TEST_STORES.items():
            _ensure_store(schema_name, name)
        # Test stores are on the unlimited plan, granted (no subscription to pay); tests of
        # plan limits and billing choose theirs.
        from tenants.models import Plan

        Tenant.objects.filter(schema_name__in=TEST_STORES).update(
            plan=Plan.objects.get(code="pro"), plan_is_complimentary=True
        )


@pytest.fixture(autouse=True)
def _no_store_pool_unless_asked(settings):
    # The warm pool clones schemas in the background; tests of the pool turn it on themselves.
    settings.STORE_POOL_SIZE = 0


@pytest.fixture(autouse=True)
def _fresh_catalog_version():
    # The catalog version (and the answers cached under it) live in Redis, which outlives the
    # test transactions: each test starts with a version of its own.
    from django_tenants.utils import schema_context

    from catalog.catalog_version import bump_catalog_version

    for schema_name in TEST_STORES:
        with schema_context(schema_name):
            bump_catalog_version()


@pytest.fixture(autouse=True)
def _fresh_storefront_shell():
    # The storefront's shell (theme, menus) is cached in Redis, which outlives the test
    # transactions (and a recreated test database): each test builds its own.
    from django_tenants.utils import schema_context

    from storefront_cms.shell import drop_cached_shell

    for schema_name in TEST_STORES:
        with schema_context(schema_name):
            drop_cached_shell()


@pytest.fixture(autouse=True)
def _back_to_public_schema():
    yield
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, rolled back when the module is done.

    For data that many tests of a module read and none must see changed for good: make it in a
    module-scoped fixture that asks for ``module_db`` (each test's own transaction nests in this
    one as a savepoint, so what a test changes is still undone after it). Only for modules of
    ``db`` tests: a ``transactional_db`` test (or the live platform) cannot see, nor flush, data
    of an open transaction.
    """
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
        connection.set_schema_to_public()


@pytest.fixture(scope="module")
def cast(module_db):
    """One person (or key) of every role of tests/matrix.py at store A, with their credentials,
    made once per module (``check_every_role(cast, endpoint, scene)``)."""
    from tests.matrix import make_cast

    cast = make_cast(
        store=Tenant.objects.get(schema_name="store_a"),
        other_store=Tenant.objects.get(schema_name="store_b"),
    )
    connection.set_schema_to_public()
    return cast


@pytest.fixture(scope="session")
def _store_api_schema_once(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        with transaction.atomic():
            store = Tenant.objects.get(schema_name="store_a")
            response = HostClient(HTTP_HOST=store.primary_host).get("/api/schema/")
            transaction.set_rollback(True)
        connection.set_schema_to_public()
    assert response.status_code == 200, response.content[:300]
    return yaml.safe_load(response.content)


@pytest.fixture
def store_api_schema(_store_api_schema_once) -> dict:
    """A store's OpenAPI schema as ``GET /api/schema/`` answers it, generated once per session
    (seconds each time; it depends on the code, not on the data): a copy of its own per test."""
    return copy.deepcopy(_store_api_schema_once)


@pytest.fixture
def store_a(db) -> Tenant:
    return Tenant.objects.get(schema_name="store_a")


@pytest.fixture
def store_b(db) -> Tenant:
    return Tenant.objects.get(schema_name="store_b")


@pytest.fixture
def store_client():
    """A test client whose requests go to a given store's host: ``store_client(store_a)``."""

    def make(tenant: Tenant) -> Client:
        return HostClient(HTTP_HOST=tenant.primary_host)

    return make


def _random_ip() -> str:
    # Rate limits are per IP and kept in Redis across tests: give each test its own address.
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture
def platform_client(settings, db) -> Client:
    return HostClient(HTTP_HOST=settings.PLATFORM_DOMAIN, REMOTE_ADDR=_random_ip())


@pytest.fixture
def store_owner_client(store_client):
    """``store_owner_client(store_a)``: a client signed in as the owner of that store."""
    from accounts.models import User

    def make(tenant: Tenant) -> Client:
        connection.set_tenant(tenant)
        owner = User.objects.filter(staff_role=User.StaffRole.OWNER).first()
        if owner is None:
            owner = User.objects.create_user(
                username=f"owner@{tenant.slug}.test",
                email=f"owner@{tenant.slug}.test",
                staff_role=User.StaffRole.OWNER,
                is_staff=True,
                is_superuser=True,  # as accounts.services.create_store_owner makes them
            )
        client = store_client(tenant)
        client.force_login(owner)
        connection.set_schema_to_public()
        return client

    return make


@pytest.fixture
def celery_eager():
    """Run Celery tasks in-process as they are sent (Celery's own eager mode)."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False


@pytest.fixture
def two_factor_login():
    """``two_factor_login(client, user)``: sign ``user`` in as after password + TOTP.

    Platform admins (and store staff, when their store requires it) reach the admin only with
    two-factor authentication; this enrols a TOTP authenticator and records in the session
    that it was used, as allauth's login does.
    """
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    def login(client: Client, user) -> None:
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        client.force_login(user)
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "email": user.email},
            {"method": "mfa", "type": "totp"},
        ]
        session.save()

    return login


@pytest.fixture(scope="session")
def live_platform(django_db_setup, django_db_blocker, tmp_path_factory):
    """The real platform running over the test database (gunicorn + a Celery worker), with two
    stores of every role: one per session, shared by every test that asks (tests/live_server.py).

    Not pytest-django's ``live_server``: that one serves from a thread of the test process and
    makes each test that uses it a ``transactional_db`` test (tables flushed after it).
    """
    from tests.live_server import running_live_platform

    with running_live_platform(
        django_db_blocker, log_dir=tmp_path_factory.mktemp("live_platform")
    ) as platform:
        yield platform
