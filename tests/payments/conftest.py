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


EXAMPLE_SECRETS = {"api_key": "sk_example_SECRET_4f1a9c", "webhook_secret": "whsec_example_7b2e"}


@pytest.fixture
def example(in_store_a):
    """The example online provider (tests/payments/example_provider.py) registered,
    configured with its credentials and enabled beside cash on delivery, its ledger empty."""
    from payments import credentials, gateway
    from tests.payments import example_provider

    provider = gateway.register(example_provider.ExamplePay())
    example_provider.LEDGER.reset()
    credentials.save(example_provider.CODE, {**EXAMPLE_SECRETS, "account_name": "Store A"})
    services.set_method_settings(data={"enabled_methods": ["cod", example_provider.CODE]})
    yield provider
    gateway.unregister(example_provider.CODE)
    example_provider.LEDGER.reset()
