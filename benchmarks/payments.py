"""Payments webhooks: how fast a verified webhook is answered, and whether replaying every
provider's events in any order, any number of times, ends in the same states.

For every provider with a local double in ``tests/doubles/`` (REGISTRY) — and the core's
example provider (tests/payments/example_provider.py) — on a store of its own:

* ``webhook_p95_ms`` (and p50): POST /payments/webhooks/<code>/ through a real threaded HTTP
  server (the WSGI application, in this process, so that the example provider is registered
  too): signature verified, the event stored once, its Celery task queued after commit — the
  whole answer. Every delivery counts (repeats included, answered "duplicate");
* ``webhook_replay_divergence``: ``--orders`` orders per provider paid through the provider
  (its double), their event streams (``double.event_stream(reference)``) delivered once in
  order (the baseline); then three rounds, each on ``--orders`` new orders, delivering every
  event three times in one random order. The stored events are applied as the worker applies
  them (``payments.services.apply_provider_event``, the task's body, in arrival order). The
  figure counts orders whose final (order payment status, payment state, captured, refunded,
  flags) differs from the baseline's order at the same position: must be 0.
* ``webhook_events``: deliveries timed.

    python benchmarks/payments.py [--orders 100] [--keep] [--reuse]

A double in ``tests/doubles/`` is used as: ``double = Double(); double.start()``; its base
URL ``double.url`` goes to the setting ``<CODE>_API_BASE``; ``double.credentials()`` is saved
with ``payments.credentials.save``; ``double.event_stream(reference)`` answers
``[(body, headers), ...]`` and leaves the double's own record in the stream's final state;
``double.stop()``. A double that fails is reported (``skipped <code>: <why>``) and left out.
"""

import argparse
import os
import random
import statistics
import threading
import time
import traceback
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from harness import bench_environment, drop_database, figure, manage, migrate, request

HOST_SLUG = "paybench"
QUEUE = "bench-payments"  # nobody consumes it: the benchmark applies the stored events itself


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="use a kept database again")
    args = parser.parse_args()

    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE
    environment = bench_environment("bench_payments", fresh=not args.reuse)
    migrate(environment)
    if not args.reuse:
        manage(
            environment,
            "shell",
            "-c",
            "from tenants.services import provision_store; "
            f"provision_store(name='Payments Bench', slug='{HOST_SLUG}')",
        )

    import django

    django.setup()
    from django.db import connection

    from config.celery import app
    from tenants.models import Tenant

    store = Tenant.objects.get(slug=HOST_SLUG)
    if store.plan_id:
        type(store.plan).objects.filter(pk=store.plan_id).update(max_monthly_orders=None)
    connection.set_tenant(store)

    from config.wsgi import application

    server = make_server(
        "127.0.0.1", 0, application, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        timings: list[float] = []
        divergence = 0
        measured = []
        for code, double in _providers():
            try:
                divergence += _run_provider(code, double, store, port, args.orders, timings)
                measured.append(code)
            except Exception as error:  # noqa: BLE001 - one double failing must not hide the others
                traceback.print_exc()
                print(f"skipped {code}: {error!r}", flush=True)
            finally:
                if double is not None:
                    double.stop()
        print(f"providers {' '.join(measured)}", flush=True)
        figure("webhook_events", len(timings), "requests")
        if timings:
            figure("webhook_p50_ms", statistics.median(timings), "ms")
            figure("webhook_p95_ms", _p95(timings), "ms")
        figure("webhook_replay_divergence", divergence, "orders")
    finally:
        server.shutdown()
        app.control.purge()
        if not (args.keep or args.reuse):
            drop_database(environment)


def _p95(values):
    from harness import percentile

    return percentile(values, 95)


def _providers():
    """(code, started double or None) for the example provider and each registered double."""
    from payments import gateway
    from tests.doubles import REGISTRY
    from tests.payments import example_provider

    gateway.register(example_provider.ExamplePay())
    yield example_provider.CODE, None
    for code, double_class in REGISTRY.items():
        try:
            double = double_class()
            double.start()
        except Exception as error:  # noqa: BLE001 - a double that cannot start is reported
            print(f"skipped {code}: its double did not start: {error!r}", flush=True)
            continue
        yield code, double


def _configure(code: str, double) -> str:
    """Point the provider at its double and save the store's credentials; answers the
    example provider's webhook secret (doubles sign their own)."""
    from django.conf import settings

    from payments import credentials, services
    from payments.models import PaymentMethodSettings

    if double is None:
        secret = "whsec_bench_example"  # noqa: S105 - the example provider's own test secret
        credentials.save(code, {"api_key": "sk_bench_example", "webhook_secret": secret})
    else:
        setattr(settings, f"{code.upper()}_API_BASE", double.url)
        credentials.save(code, double.credentials())
        secret = ""
    current = PaymentMethodSettings.objects.filter(pk=1).first()
    enabled = list(current.enabled_methods) if current else []
    services.set_method_settings(data={"enabled_methods": sorted({*enabled, code})})
    return secret


def _run_provider(code, double, store, port, orders, timings) -> int:
    secret = _configure(code, double)
    variant = _variant()
    host = store.primary_host
    path = f"/payments/webhooks/{code}/"

    def stream(payment):
        if double is None:
            from tests.payments import example_provider

            return example_provider.event_stream(payment.provider_reference, secret)
        return double.event_stream(payment.provider_reference)

    baseline_payments = _pay(code, variant, orders)
    for payment in baseline_payments:
        for body, headers in stream(payment):
            timings.append(_deliver(port, host, path, body, headers))
    _apply_received()
    baseline = [_final(payment) for payment in baseline_payments]

    diverged = 0
    rng = random.Random(15)  # noqa: S311 - the same shuffles on every run
    for _round in range(3):
        payments = _pay(code, variant, orders)
        deliveries = [item for payment in payments for item in stream(payment)] * 3
        rng.shuffle(deliveries)
        for body, headers in deliveries:
            timings.append(_deliver(port, host, path, body, headers))
        _apply_received(rng)
        for position, payment in enumerate(payments):
            final = _final(payment)
            if final != baseline[position]:
                diverged += 1
                if diverged <= 3:
                    print(f"diverged {code}: {final} != {baseline[position]}", flush=True)
    print(f"provider {code}: {orders} orders x 4 rounds, diverged {diverged}", flush=True)
    return diverged


def _variant():
    """The one product every bench order buys (made on the first run, found on a --reuse)."""
    from catalog.models import ProductVariant
    from tests.cart.factories import make_variant

    found = ProductVariant.objects.filter(price="20.00").order_by("pk").first()
    return found or make_variant(price="20.00", stock=1_000_000)


def _pay(code, variant, orders):
    """``orders`` orders of one unit, each with its payment started at the provider."""
    from orders.models import Order
    from payments import services
    from tests.orders.factories import place

    payments = []
    for _ in range(orders):
        order = place([(variant, 1)], payment_method=code)
        Order.objects.filter(pk=order.pk).update(payment_method=code)
        order.refresh_from_db()
        payments.append(services.create_payment_for_order(order=order, method=code).payment)
    return payments


def _deliver(port, host, path, body: bytes, headers: dict) -> float:
    started = time.perf_counter()
    status, answer = request(
        port,
        "POST",
        path,
        host,
        body=body.decode() if isinstance(body, bytes) else body,
        headers=dict(headers),
    )
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"POST {path} answered {status}: {answer[:300]!r}")
    return elapsed


def _apply_received(rng=None) -> None:
    """Apply the stored events as the worker does (``rng``: a random order, as retries and
    several workers may)."""
    from payments import services
    from payments.models import ProviderEvent

    waiting = (
        ProviderEvent.Status.RECEIVED,
        ProviderEvent.Status.UNMATCHED,
        ProviderEvent.Status.WAITING,
    )
    for _attempt in range(3):  # as the task's retries do
        pending = list(
            ProviderEvent.objects.filter(status__in=waiting)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if rng is not None:
            rng.shuffle(pending)
        for pk in pending:
            services.apply_provider_event(pk)


def _final(payment) -> tuple:
    payment.refresh_from_db()
    payment.order.refresh_from_db()
    return (
        payment.order.payment_status,
        payment.state,
        payment.captured_amount,
        payment.refunded_amount,
        tuple(sorted(payment.flags)),
    )


if __name__ == "__main__":
    main()
