"""B2B fixtures: store A's schema, the "invoice" payment method enabled (b2b-purchasing's
provider, or until it merges the stand-in of tests/b2b/invoice_provider.py)."""

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


@pytest.fixture(scope="module")
def invoice_provider():
    """The "invoice" payment method registered (the real one if present); a stand-in is
    unregistered after the module, so no other area's tests meet it."""
    from payments import gateway
    from tests.b2b.invoice_provider import CODE, InvoiceStandIn

    try:
        yield gateway.get(CODE)
        return
    except KeyError:
        pass
    provider = gateway.register(InvoiceStandIn())
    yield provider
    gateway.unregister(CODE)


@pytest.fixture
def invoice_enabled(in_store_a, invoice_provider):
    from payments import services

    services.set_method_settings(data={"enabled_methods": ["cod", "invoice"]})
    return invoice_provider
