"""Local HTTP doubles of the payment providers: real threaded servers answering as each
provider documents (paths, bodies, statuses, signed webhooks), usable without pytest (the
benchmarks use them).

Each provider helper adds one line: ``"<code>": <DoubleClass>``. A double offers (see
PAYMENTS_CONTRACT): ``start() / stop()``, ``url`` (its base URL, for the provider's
``<CODE>_API_BASE`` setting), sending correctly signed webhooks to a URL, and
``event_stream(payment_reference) -> list[(body: bytes, headers: dict)]`` of a payment's
lifecycle events (benchmarks/payments.py replays them).
"""

from tests.doubles.bitpay import BitPayDouble
from tests.doubles.coinbase import CoinbaseDouble

REGISTRY: dict[str, type] = {
    "coinbase": CoinbaseDouble,
    "bitpay": BitPayDouble,
}
