"""Coinbase tests: one Checkouts API double for the module, pointed at by COINBASE_API_BASE;
store A enables Coinbase with the double's CDP key and webhook secret."""

import pytest

from tests.doubles.coinbase import CoinbaseDouble
from tests.payments.crypto_flow import configure, webhook_sender


@pytest.fixture(scope="module")
def coinbase_double():
    with CoinbaseDouble() as double:
        yield double


@pytest.fixture
def coinbase(coinbase_double, in_store_a, settings):
    for name, value in coinbase_double.settings().items():
        setattr(settings, name, value)
    settings.COINBASE_TIMEOUT = 2
    coinbase_double.pending.clear()
    coinbase_double.hang = 0.0
    configure("coinbase", coinbase_double)
    yield coinbase_double
    coinbase_double.hang = 0.0


@pytest.fixture
def shopper(store_client, store_a):
    return store_client(store_a)


@pytest.fixture
def deliver(coinbase, shopper, celery_eager, django_capture_on_commit_callbacks):
    """Deliver the webhooks Coinbase has sent since the last call; answers the responses."""
    send = webhook_sender(shopper, "coinbase", django_capture_on_commit_callbacks)
    return lambda: coinbase.deliver_pending(send)


@pytest.fixture
def send_webhook(shopper, celery_eager, django_capture_on_commit_callbacks):
    return webhook_sender(shopper, "coinbase", django_capture_on_commit_callbacks)
