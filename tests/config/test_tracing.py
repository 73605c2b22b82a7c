"""OpenTelemetry: with an OTLP endpoint, a request through Django, a PostgreSQL query and a Redis
call become spans sent to the collector, the request's span naming its store and request id.
(A local OTLP/HTTP collector double; a process of its own, since instrumenting is for life.)"""

import os
import subprocess
import sys
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

ROOT = Path(__file__).resolve().parents[2]

TRACE_ONE_REQUEST = """
import sourceroot
sourceroot.activate()
import config.wsgi  # configures tracing, then loads Django's middleware
from django.conf import settings
from django.test import Client
import psycopg, redis
from opentelemetry import trace

print(settings.MIDDLEWARE[0])
response = Client(HTTP_HOST="localhost", HTTP_X_REQUEST_ID="trace-me-1").get("/robots.txt")
print(response.status_code)
with psycopg.connect(settings.DATABASE_URL) as conn:
    conn.execute("SELECT 1")
redis.Redis.from_url(settings.REDIS_URL).ping()
trace.get_tracer_provider().force_flush()
"""


def test_spans_reach_the_collector(httpserver, settings):
    httpserver.expect_request("/v1/traces", method="POST").respond_with_data(
        b"", content_type="application/x-protobuf"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{httpserver.port}",
        "OTEL_SERVICE_NAME": "mercato-test",
    }
    result = subprocess.run(
        [sys.executable, "-c", TRACE_ONE_REQUEST],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    middleware, status = result.stdout.split()[-2:]
    assert (
        middleware
        == "opentelemetry.instrumentation.django.middleware.otel_middleware._DjangoMiddleware"
    )
    assert status == "200"

    spans = {}
    for request, _response in httpserver.log:
        export = ExportTraceServiceRequest.FromString(request.get_data())
        for resource_spans in export.resource_spans:
            service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}[
                "service.name"
            ]
            assert service == "mercato-test"
            for scope in resource_spans.scope_spans:
                for span in scope.spans:
                    attributes = {a.key: a.value.string_value for a in span.attributes}
                    spans[span.name] = (scope.scope.name, attributes)

    request_span = next(v for k, v in spans.items() if k.startswith("GET"))
    assert request_span[0] == "opentelemetry.instrumentation.django"
    assert request_span[1]["mercato.store"] == "public"
    assert request_span[1]["mercato.request_id"] == "trace-me-1"
    scopes = {scope for scope, _ in spans.values()}
    assert "opentelemetry.instrumentation.psycopg" in scopes
    assert "opentelemetry.instrumentation.redis" in scopes
