"""Stripe against its local double (tests/doubles/stripe.py): one double per test session,
the settings pointed at it, store A configured with the double's keys and Stripe enabled."""

import pytest

from payments import credentials, services
from tests.doubles.stripe import StripeDouble


@pytest.fixture(scope="session")
def stripe_double():
    double = StripeDouble().start()
    yield double
    double.stop()


@pytest.fixture
def stripe_settings(settings, stripe_double):
    for name, value in stripe_double.settings().items():
        setattr(settings, name, value)
    settings.STRIPE_TIMEOUT_SECONDS = 5
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    stripe_double.delay = 0
    stripe_double.endpoints.clear()
    yield stripe_double
    stripe_double.delay = 0


@pytest.fixture
def stripe_store(in_store_a, stripe_settings):
    """Store A with its own Stripe keys (the double's), automatic capture, Stripe enabled."""
    credentials.save("stripe", stripe_settings.credentials())
    services.set_method_settings(data={"enabled_methods": ["cod", "stripe"]})
    return in_store_a
