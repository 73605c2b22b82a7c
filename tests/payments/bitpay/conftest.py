"""BitPay tests: one invoice API double for the module, pointed at by BITPAY_API_BASE;
store A enables BitPay with the double's POS token."""

import pytest

from tests.doubles.bitpay import BitPayDouble
from tests.payments.crypto_flow import configure, webhook_sender


@pytest.fixture(scope="module")
def bitpay_double():
    with BitPayDouble() as double:
        yield double


@pytest.fixture
def bitpay(bitpay_double, in_store_a, settings):
    for name, value in bitpay_double.settings().items():
        setattr(settings, name, value)
    settings.BITPAY_TIMEOUT = 2
    bitpay_double.pending.clear()
    bitpay_double.hang = 0.0
    configure("bitpay", bitpay_double)
    yield bitpay_double
    bitpay_double.hang = 0.0


@pytest.fixture
def shopper(store_client, store_a):
    return store_client(store_a)


@pytest.fixture
def deliver(bitpay, shopper, celery_eager, django_capture_on_commit_callbacks):
    """Deliver the webhooks BitPay has sent since the last call; answers the responses."""
    send = webhook_sender(shopper, "bitpay", django_capture_on_commit_callbacks)
    return lambda: bitpay.deliver_pending(send)


@pytest.fixture
def send_webhook(shopper, celery_eager, django_capture_on_commit_callbacks):
    return webhook_sender(shopper, "bitpay", django_capture_on_commit_callbacks)
