"""Local doubles of the payment providers: real HTTP servers answering as each provider
documents, shared by the tests and the benchmarks (``REGISTRY``: method code -> double class)."""

from tests.doubles.stripe import StripeDouble

REGISTRY: dict[str, type] = {
    "stripe": StripeDouble,
}
