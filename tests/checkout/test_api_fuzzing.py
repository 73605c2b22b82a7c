"""The checkout endpoints keep their contract under generated input (the whole API is walked
by tests/config/test_api_fuzzing.py; this walks only /api/v1/checkout/, and aims at a real
checkout, for a quick run beside the changes)."""

import pytest
from django.db import connection

from checkout import services
from pricing import Buyer
from tests.checkout.factories import US_ADDRESS, cart_with, option, variant, zone
from tests.config.test_api_fuzzing import (  # noqa: F401 (in_process_requests: a fixture)
    Fuzzer,
    GenerationMode,
    _assert_no_failures,
    _takes_input,
    in_process_requests,
)

pytestmark = pytest.mark.django_db


class CheckoutFuzzer(Fuzzer):
    def run(self, schema, *, existing_parameters) -> None:
        for result in schema.get_all_operations():
            operation = result.ok()
            if not operation.path.startswith("/api/v1/checkout/"):
                continue
            self._fuzz(operation, GenerationMode.POSITIVE, path_parameters=None)
            if _takes_input(operation):
                self._fuzz(operation, GenerationMode.NEGATIVE, path_parameters=None)
            existing = existing_parameters(operation.path)
            if existing:
                self.aimed_at_existing.append(operation.path)
                self._fuzz(operation, GenerationMode.POSITIVE, path_parameters=existing)


def test_checkout_api_answers_as_its_schema_says(store_a, in_process_requests):  # noqa: F811
    connection.set_tenant(store_a)
    option(zone(), "Standard", allows_cash_on_delivery=True)
    checkout = services.start_checkout(cart=cart_with((variant(), 2)), buyer=Buyer.anonymous())
    services.set_addresses(checkout=checkout, buyer=None, shipping_address=US_ADDRESS)
    token = str(checkout.token)
    connection.set_schema_to_public()
    fuzzer = CheckoutFuzzer(host=store_a.primary_host, caller="anonymous")

    fuzzer.run(fuzzer.schema(), existing_parameters=lambda path: {"token": token})

    _assert_no_failures(fuzzer)
    assert "/api/v1/checkout/{token}/" in fuzzer.aimed_at_existing
