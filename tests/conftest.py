"""Test harness: tenant schemas are created once per session, tests are isolated by transaction.

The test database is built by migrate_schemas (public schema, then the store template); the two
test stores are then cloned from the template, exactly as real stores are provisioned, and kept
between runs with --reuse-db. Never migrate a schema per test: it takes seconds.
"""

import pytest
from django.db import connection
from django.test import Client

from tenants.models import Tenant
from tenants.services import provision_store

TEST_STORES = {"store_a": "Store A", "store_b": "Store B"}


def _ensure_store(schema_name: str, name: str) -> Tenant:
    existing = Tenant.objects.filter(schema_name=schema_name).first()
    if existing is not None:
        return existing
    return provision_store(name=name, slug=schema_name.replace("_", "-"), schema_name=schema_name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for schema_name, name in TEST_STORES.items():
            _ensure_store(schema_name, name)


@pytest.fixture(autouse=True)
def _back_to_public_schema():
    yield
    connection.set_schema_to_public()


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
        return Client(HTTP_HOST=tenant.primary_host)

    return make


@pytest.fixture
def platform_client(settings) -> Client:
    return Client(HTTP_HOST=settings.PLATFORM_DOMAIN)


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
