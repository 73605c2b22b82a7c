"""Payments fixtures: a store's schema, orders placed through orders.actions, COD enabled
through the payments' services (as the merchant would)."""

import pytest
from django.core.cache import cache
from django.db import connection

from payments import services


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def in_store_b(store_b):
    connection.set_tenant(store_b)
    return store_b


@pytest.fixture
def cod_enabled(in_store_a):
    return services.set_method_settings(data={"enabled_methods": ["cod"]})
