"""The API keeps its contract: Schemathesis walks each host's ``/api/schema/`` in-process.

For every operation the schema documents, on a store host (as the owner with a token, as a
customer with a token, and anonymously) and on the platform host (anonymously: its API has no
accounts), a bounded number of generated requests (valid ones, invalid ones, and, for paths
with ids, valid ones aimed at objects that exist) go through the WSGI application. The test
fails on any 5xx and on any answer the schema does not describe: an undocumented status code,
content type or body. It walks the schema, so an endpoint a later issue adds is covered the
day it is documented, without a line here.

Every generated request runs in a savepoint of the test's transaction, rolled back after it:
nothing a request creates, changes or deletes is seen by the next one or by another test.
Generation is derandomized, so a run is repeatable.
"""

import json
import os
import traceback
from dataclasses import dataclass, field
from random import randrange

import pytest
import schemathesis
from django.conf import settings
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

from config.wsgi import application
from tests.matrix import PASSWORD, make_person

pytestmark = pytest.mark.django_db

# Generated requests per operation and caller: valid ones, valid ones aimed at existing objects,
# and invalid ones (fewer: most are refused early, and making them costs the most). A deeper
# run, by hand: API_FUZZ_EXAMPLES=50 .venv/bin/pytest tests/config/test_api_fuzzing.py
_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))
EXAMPLES_PER_OPERATION = {
    GenerationMode.POSITIVE: _EXAMPLES,
    GenerationMode.NEGATIVE: max(1, _EXAMPLES * 3 // 5),
}
# A customer and an anonymous caller are refused most operations (staff's) before their input
# is read: a few requests each show that, and the owner's run explores the input.
REFUSED_CALLER_EXAMPLES = {
    GenerationMode.POSITIVE: max(1, _EXAMPLES * 2 // 5),
    GenerationMode.NEGATIVE: 1,
}

TRACEBACK_LINES = 12

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _random_address() -> str:
    return f"10.{randrange(256)}.{randrange(256)}.{randrange(1, 255)}"


@dataclass
class Fuzzer:
    """Sends generated requests to one host as one caller and collects what went wrong."""

    host: str
    caller: str
    authorization: str | None = None
    # Throttles count per client address and live in Redis, past the test's transaction.
    remote_addr: str = field(default_factory=_random_address)
    failures: list[str] = field(default_factory=list)
    aimed_at_existing: list[str] = field(default_factory=list)
    examples: dict = field(default_factory=lambda: EXAMPLES_PER_OPERATION)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.authorization} if self.authorization else {}

    def schema(self):
        return schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", application, base_url=self.base_url
        )

    def run(self, schema, *, existing_parameters) -> None:
        for result in schema.get_all_operations():
            operation = result.ok()
            self._fuzz(operation, GenerationMode.POSITIVE, path_parameters=None)
            if _takes_input(operation):
                self._fuzz(operation, GenerationMode.NEGATIVE, path_parameters=None)
            existing = existing_parameters(operation.path)
            if existing:
                self.aimed_at_existing.append(operation.path)
                self._fuzz(operation, GenerationMode.POSITIVE, path_parameters=existing)

    def _fuzz(self, operation, mode: GenerationMode, *, path_parameters) -> None:
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
        crashes: list[str] = []

        def record_crash(sender, request=None, **kwargs):
            crashes.append(traceback.format_exc())

        @hypothesis_settings(
            max_examples=self.examples[mode],
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def send(case):
            with transaction.atomic():
                try:
                    case.call_and_validate(
                        base_url=self.base_url,
                        headers=self.headers,
                        checks=CHECKS,
                        environ_overrides={"REMOTE_ADDR": self.remote_addr},
                    )
                finally:
                    transaction.set_rollback(True)

        got_request_exception.connect(record_crash)
        try:
            send()
        except Unsatisfiable:
            pass  # nothing to make invalid: the operation takes no input
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - all reported at the end
            label = f"{self.caller} {mode.value}{' (existing ids)' if path_parameters else ''}"
            report = f"--- {operation.method.upper()} {operation.path} [{label}]\n{error}"
            if crashes:
                # The innermost frames say where it broke; the framework's say nothing more.
                frames = crashes[-1].strip().splitlines()[-TRACEBACK_LINES:]
                report += "\nServer traceback (end):\n" + "\n".join(frames)
            self.failures.append(report)
        finally:
            got_request_exception.disconnect(record_crash)


def _takes_input(operation) -> bool:
    """Whether the operation has a body or parameters that an invalid request could break
    (past its credentials, which every run varies already)."""
    return bool(len(operation.body) or len(operation.query) or len(operation.path_parameters))


@pytest.fixture
def in_process_requests(settings):
    """Requests reach the application in this test's transaction, as Django's test client
    arranges it: the request signals must not close the connection mid-test."""
    # A configured platform: Stripe's webhook checks signatures instead of answering 503.
    settings.STRIPE_WEBHOOK_SECRET = "whsec_fuzzing"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    connection.set_schema_to_public()


def _json(response) -> object:
    try:
        return json.loads(response.get_data())
    except ValueError:
        return None


def _first_item(body) -> dict | None:
    items = body.get("results") if isinstance(body, dict) else body
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return None


def existing_parameters_finder(*, host: str, authorization: str | None):
    """``finder(path)``: values for the path's parameters naming objects the caller can see,
    found the way a client finds them: the collection each parameter indexes lists them
    (``/things/`` for ``/things/{id}/``). Empty when a collection lists nothing for the caller
    or is not an endpoint."""
    client = Client(application)
    cache: dict[str, dict] = {}

    def finder(path: str) -> dict:
        if path in cache:
            return cache[path]
        found: dict = {}
        prefix = ""
        for segment in path.strip("/").split("/"):
            if segment.startswith("{"):
                name = segment[1:-1]
                collection = prefix.format(**found) + "/"
                response = client.get(
                    collection,
                    base_url=f"http://{host}",
                    headers={"Authorization": authorization} if authorization else {},
                )
                item = _first_item(_json(response)) if response.status_code == 200 else None
                key = "slug" if "slug" in name else "id"
                if item is None or key not in item:
                    found = {}
                    break
                found[name] = item[key]
            prefix += f"/{segment}"
        cache[path] = found
        return found

    return finder


def _login(host: str, email: str) -> str:
    response = Client(application).post(
        "/api/v1/auth/login/",
        base_url=f"http://{host}",
        json={"email": email, "password": PASSWORD},
        environ_overrides={"REMOTE_ADDR": _random_address()},
    )
    assert response.status_code == 200, response.get_data()
    return f"Token {_json(response)['key']}"


@pytest.fixture
def store_scene(store_a, in_process_requests):
    """Store A with a small catalog, its owner and a customer, each signed in through the API."""
    connection.set_tenant(store_a)
    call_command("seed_catalog", products=3, variants_per_product=2, verbosity=0)
    owner = make_person("owner")
    customer = make_person("customer")
    connection.set_schema_to_public()
    host = store_a.primary_host
    return {
        "host": host,
        "owner": _login(host, owner.email),
        "customer": _login(host, customer.email),
    }


def _assert_no_failures(fuzzer: Fuzzer) -> None:
    assert not fuzzer.failures, (
        f"{len(fuzzer.failures)} operation(s) broke the contract:\n\n"
        + "\n\n".join(fuzzer.failures)
    )


@pytest.mark.parametrize("caller", ["owner", "customer", "anonymous"])
def test_store_api_answers_as_its_schema_says(store_scene, caller):
    host = store_scene["host"]
    authorization = store_scene.get(caller)
    fuzzer = Fuzzer(
        host=host,
        caller=caller,
        authorization=authorization,
        examples=EXAMPLES_PER_OPERATION if caller == "owner" else REFUSED_CALLER_EXAMPLES,
    )
    finder = existing_parameters_finder(host=host, authorization=authorization)
    fuzzer.run(fuzzer.schema(), existing_parameters=finder)
    _assert_no_failures(fuzzer)
    if caller == "owner":
        # The harness reaches real objects, not only ids that do not exist.
        assert "/api/v1/catalog/products/{id}/" in fuzzer.aimed_at_existing
        assert "/api/v1/shop/products/{slug}/" in fuzzer.aimed_at_existing


def test_platform_api_answers_as_its_schema_says(in_process_requests):
    fuzzer = Fuzzer(host=settings.PLATFORM_DOMAIN, caller="anonymous")
    fuzzer.run(fuzzer.schema(), existing_parameters=lambda path: {})
    _assert_no_failures(fuzzer)
