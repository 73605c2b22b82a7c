"""Checkout fixtures: store A's connection and a fresh cache (throttles live in Redis)."""

import pytest
from django.core.cache import cache
from django.db import connection


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture(autouse=True)
def _cash_on_delivery_offered(request):
    """Store A offers cash on delivery (Settings > Payments), inside the test's transaction;
    live-server tests set it up on the live store themselves."""
    if "live" in request.fixturenames or "live_platform" in request.fixturenames:
        yield
        return
    from django_tenants.utils import schema_context

    from payments import services

    store_a = request.getfixturevalue("store_a")
    with schema_context(store_a.schema_name):
        services.set_method_settings(data={"enabled_methods": ["cod"]})
    yield
