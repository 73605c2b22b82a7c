"""B2B fixtures: store A's schema, the "invoice" payment method enabled."""

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


@pytest.fixture
def in_store_b(store_b):
    connection.set_tenant(store_b)
    return store_b


@pytest.fixture
def invoice_enabled(in_store_a):
    """Store A offers cash on delivery and the invoice method (payments.providers.invoice),
    as Settings > Payments enables it; only companies buying on account are offered it."""
    from payments import gateway, services

    services.set_method_settings(data={"enabled_methods": ["cod", "invoice"]})
    return gateway.get("invoice")
