"""Fixtures for cart tests: store A's schema, variants made by the catalog's services."""

import pytest
from django.core.cache import cache
from django.db import connection


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttles and lockouts live in Redis, which outlives test transactions.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a
