"""Sentry: personal data and secrets never leave in an event, each event names its store and
request; the client starts only with ``SENTRY_DSN``, with our scrubber and no default PII."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from config.logging import request_id_var
from observability.sentry import FILTERED, before_send

ROOT = Path(__file__).resolve().parents[2]


def django_event() -> dict:
    """An event as Sentry's Django integration builds it for a failed checkout request."""
    return {
        "level": "error",
        "message": "Could not place the order of ada@example.com",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "address for ada.lovelace@example.co.uk is incomplete",
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "complete",
                                "vars": {
                                    "email": "'ada@example.com'",
                                    "shipping_address": {"line1": "12 St James's Sq"},
                                    "quantity": "2",
                                    "note": "'call ada@example.com before'",
                                },
                            }
                        ]
                    },
                }
            ]
        },
        "request": {
            "url": "https://store-a.example.com/api/v1/checkout/abc/complete/",
            "method": "POST",
            "query_string": "email=ada%40example.com&page=2",
            "headers": {
                "Authorization": "Token 0123456789abcdef",
                "Cookie": "sessionid=s3cr3t; csrftoken=t0k3n",
                "X-Api-Key": "mk_live_secret",
                "User-Agent": "Mozilla/5.0",
                "Content-Type": "application/json",
            },
            "cookies": {"sessionid": "s3cr3t"},
            "data": {
                "email": "ada@example.com",
                "shipping_address": {
                    "full_name": "Ada Lovelace",
                    "line1": "12 St James's Square",
                    "postal_code": "SW1Y 4JH",
                    "phone": "+44 20 7946 0000",
                    "country": "GB",
                },
                "quantity": 2,
            },
            "env": {"REMOTE_ADDR": "203.0.113.9", "SERVER_NAME": "web-1"},
        },
        "user": {"id": "42", "email": "ada@example.com", "ip_address": "203.0.113.9"},
        "breadcrumbs": {
            "values": [{"category": "query", "message": "SELECT ... WHERE email = 'ada@ex.io'"}]
        },
        "extra": {"owner_email": "owner@example.com", "order_number": "A-1001"},
    }


def test_before_send_scrubs_personal_data_and_secrets(store_a):
    event = before_send(django_event(), {})
    text = json.dumps(event)

    for secret in (
        "ada",
        "Lovelace",
        "St James",
        "SW1Y",
        "7946",
        "0123456789abcdef",
        "s3cr3t",
        "t0k3n",
        "mk_live_secret",
        "203.0.113.9",
        "owner@example.com",
        "ex.io",
    ):
        assert secret not in text, secret
    request = event["request"]
    assert set(request["headers"]) == {"User-Agent", "Content-Type"}
    assert "cookies" not in request
    assert request["data"]["email"] == FILTERED
    assert request["data"]["shipping_address"] == FILTERED
    assert request["data"]["quantity"] == 2
    assert request["query_string"] == f"email={FILTERED}&page=2"
    assert request["env"] == {"SERVER_NAME": "web-1"}
    assert event["user"] == {"id": "42"}
    # What helps to debug stays: the error's kind, the numbers, the order's number.
    assert event["exception"]["values"][0]["type"] == "ValueError"
    assert event["exception"]["values"][0]["value"] == f"address for {FILTERED} is incomplete"
    assert event["exception"]["values"][0]["stacktrace"]["frames"][0]["vars"]["quantity"] == "2"
    assert event["extra"] == {"owner_email": FILTERED, "order_number": "A-1001"}
    assert event["message"] == f"Could not place the order of {FILTERED}"


def test_before_send_tags_the_store_and_the_request_id(store_a):
    connection.set_tenant(store_a)
    token = request_id_var.set("req-123")
    try:
        event = before_send({"message": "boom"}, {})
    finally:
        request_id_var.reset(token)
    assert event["tags"] == {"store": store_a.schema_name, "request_id": "req-123"}


def test_before_send_scrubs_header_lists_too():
    event = before_send(
        {"request": {"headers": [["authorization", "Bearer x"], ["accept", "text/html"]]}}, {}
    )
    assert event["request"]["headers"] == [["accept", "text/html"]]


SEND_ONE_ERROR = """
import sourceroot
sourceroot.activate()
import django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(client.options["send_default_pii"], client.options["before_send"].__module__,
      client.options["traces_sample_rate"], client.options["sample_rate"],
      sorted(i for i in client.integrations if i in ("django", "celery")))
try:
    raise ValueError("payment of bob@example.org refused")
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(timeout=10)
"""


def test_sentry_starts_with_a_dsn_and_sends_scrubbed_events(httpserver):
    httpserver.expect_request("/api/1/envelope/", method="POST").respond_with_data("{}")
    environment = {
        **os.environ,
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{httpserver.port}/1",
        "SENTRY_TRACES_SAMPLE_RATE": "0.25",
        "SENTRY_SAMPLE_RATE": "0.9999",
    }
    result = subprocess.run(
        [sys.executable, "-c", SEND_ONE_ERROR],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "False observability.sentry 0.25 0.9999 ['celery', 'django']"
    )
    (request, _response), *_ = httpserver.log
    body = request.get_data()
    encoding = request.headers.get("Content-Encoding")
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "br":
        import brotli

        body = brotli.decompress(body)
    text = body.decode()
    assert "payment of [Filtered] refused" in text
    assert "bob@example.org" not in text
    assert '"store":"public"' in text.replace(" ", "")


def test_no_sentry_without_a_dsn():
    environment = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    code = (
        "import sourceroot, sys; sourceroot.activate(); import django; django.setup(); "
        "import config.wsgi, config.celery; "
        "from observability import tracing; "
        "print(tracing._configured, sorted({'.'.join(m.split('.')[:3]) for m in sys.modules "
        "if m.startswith(('sentry_sdk', 'opentelemetry.instrumentation', "
        "'opentelemetry.exporter'))}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "OTEL_EXPORTER_OTLP_ENDPOINT": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Neither Sentry nor any OpenTelemetry instrumentation or exporter is even imported: switched
    # off costs nothing. (redis-py 7 imports the OpenTelemetry API itself when it is installed;
    # without a provider of ours its calls are no-ops.)
    assert result.stdout.strip().splitlines()[-1] == "False []"
