"""Fixtures for catalog tests: files in a temporary MEDIA_ROOT, the store's schema."""

import pytest
from django.core.cache import cache
from django.db import connection


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh directory per test (still under ``<schema>/``)."""
    settings.MEDIA_ROOT = tmp_path
    # django-tenants' storage caches its root and only forgets it when this setting changes.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Import progress lives in Redis, which outlives test transactions.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def owner(store_a, store_owner_client):
    """A client signed in as store A's owner; the test goes on in store A's schema (where
    on_commit callbacks captured by the test then run, as they would in the request)."""
    client = store_owner_client(store_a)
    connection.set_tenant(store_a)
    return client
