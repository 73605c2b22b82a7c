"""Local doubles of the payment providers (real HTTP servers answering as each provider
documents), shared by the tests and benchmarks/payments.py: code -> double class."""

from tests.doubles.bitpay import BitPayDouble
from tests.doubles.coinbase import CoinbaseDouble

REGISTRY = {
    CoinbaseDouble.code: CoinbaseDouble,
    BitPayDouble.code: BitPayDouble,
}
