"""The shopper's order endpoints keep their contract under generated input (the whole API is
walked by tests/config/test_api_fuzzing.py; this walks only /api/v1/account/orders/, as a
customer aimed at their own real order, for a quick run beside the changes)."""

import pytest
from django.db import connection

from tests.config.test_api_fuzzing import (  # noqa: F401 (in_process_requests: a fixture)
    Fuzzer,
    GenerationMode,
    _assert_no_failures,
    _login,
    _takes_input,
    in_process_requests,
)
from tests.matrix import make_person
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db


class AccountOrdersFuzzer(Fuzzer):
    def run(self, schema, *, existing_parameters) -> None:
        for result in schema.get_all_operations():
            operation = result.ok()
            if not operation.path.startswith("/api/v1/account/orders/"):
                continue
            self._fuzz(operation, GenerationMode.POSITIVE, path_parameters=None)
            if _takes_input(operation):
                self._fuzz(operation, GenerationMode.NEGATIVE, path_parameters=None)
            existing = existing_parameters(operation.path)
            if existing:
                self.aimed_at_existing.append(operation.path)
                self._fuzz(operation, GenerationMode.POSITIVE, path_parameters=existing)


@pytest.mark.parametrize("caller", ["customer", "anonymous"])
def test_account_orders_api_answers_as_its_schema_says(store_a, in_process_requests, caller):  # noqa: F811
    connection.set_tenant(store_a)
    customer = make_person("customer")
    order = place([(make_variant(stock=100), 1)], user=customer)
    connection.set_schema_to_public()
    host = store_a.primary_host
    authorization = _login(host, customer.email) if caller == "customer" else None
    fuzzer = AccountOrdersFuzzer(host=host, caller=caller, authorization=authorization)

    fuzzer.run(fuzzer.schema(), existing_parameters=lambda path: {"number": order.number})

    _assert_no_failures(fuzzer)
    assert "/api/v1/account/orders/{number}/" in fuzzer.aimed_at_existing
