"""OpenTelemetry traces, sent by OTLP over HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.

Without it nothing of OpenTelemetry is imported: no instrumentation, no exporter thread, no
cost. With it, every process (each gunicorn worker from config.wsgi/asgi, each Celery child from
config.celery) gets a tracer provider and instruments Django (a span per request, with the
store's schema as ``mercato.store`` and the request id as ``mercato.request_id``), psycopg,
redis and Celery. The SDK reads the standard variables itself: ``OTEL_SERVICE_NAME``,
``OTEL_EXPORTER_OTLP_HEADERS``, ``OTEL_TRACES_SAMPLER`` and ``OTEL_TRACES_SAMPLER_ARG``
(``parentbased_traceidratio`` with ``0.1`` keeps a tenth of the traces).

A store belongs on a span, not on a metric: traces are sampled and searched one by one, so
10,000 stores cost nothing there (observability.metrics explains why metrics have no store).
"""

import os

_configured = False


def enabled() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip())


def configure(service_name: str = "mercato-web", *, celery: bool = False) -> bool:
    """Set up tracing in this process when an endpoint is configured; True if it was."""
    global _configured
    if _configured or not enabled():
        return _configured
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create(
        {SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME", "").strip() or service_name}
    )
    provider = TracerProvider(resource=resource)
    # The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (adding /v1/traces) and its headers.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    if celery:
        from opentelemetry.instrumentation.celery import CeleryInstrumentor

        CeleryInstrumentor().instrument()
    else:
        DjangoInstrumentor().instrument(response_hook=_response_hook)
    PsycopgInstrumentor().instrument(enable_commenter=False)
    RedisInstrumentor().instrument()
    _configured = True
    return True


def _response_hook(span, request, response) -> None:
    # Routing has run by now: the request knows its store (tenants.middleware).
    if span is None or not span.is_recording():
        return
    tenant = getattr(request, "tenant", None)
    if tenant is not None:
        span.set_attribute("mercato.store", tenant.schema_name)
    request_id = getattr(request, "request_id", None)
    if request_id:
        span.set_attribute("mercato.request_id", request_id)
