"""Cart API speed on a store seeded with 100,000 variants, through a real HTTP server.

* ``cart_add_p95_ms``: POST /api/v1/cart/lines/ (a random variant, quantity 1) into an
  anonymous cart sent by ``X-Cart-Token`` (a fresh cart every 10 adds, so carts hold 0-9 lines
  when added to): the cart row locked, the rules checked, the line written, the cart answered;
* ``cart_read_p95_ms``: GET /api/v1/cart/ of random 10-line carts, priced afresh;
* ``bare_view_p95_ms``: /healthz on the same server in the same run, and the ratios to it;
* ``cart_add_queries`` / ``cart_read_queries``: the SQL statements one such request makes
  (counted in this process through Django's test client; store routing included).

    python benchmarks/cart.py [--variants 100000] [--requests 300] [--keep] [--reuse]

``--keep`` keeps the seeded database; ``--reuse`` measures again the one a ``--keep`` run kept.
"""

import argparse
import json
import random
import statistics
import time

from harness import (
    bench_environment,
    drop_database,
    figure,
    migrate,
    percentile,
    request,
    seed_bench_store,
    timed_get,
    web_server,
)

HOST = "bench.localhost"
READ_CART_LINES = 10
ADDS_PER_CART = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()

    environment = bench_environment("bench_cart", fresh=not args.reuse)
    migrate(environment)
    if not args.reuse:
        seed_bench_store(environment, args.variants, per_product=4)

    import django

    django.setup()
    from django_tenants.utils import schema_context

    with schema_context("bench"):
        variants = _buyable_variants()
    adds, reads, bare = measure(environment, variants, args.requests)
    add_queries, read_queries = count_queries(variants)

    figure("cart_add_p50_ms", statistics.median(adds), "ms")
    figure("cart_add_p95_ms", percentile(adds, 95), "ms")
    figure("cart_read_p50_ms", statistics.median(reads), "ms")
    figure("cart_read_p95_ms", percentile(reads, 95), "ms")
    figure("bare_view_p95_ms", percentile(bare, 95), "ms")
    figure("cart_add_over_bare_ratio", percentile(adds, 95) / percentile(bare, 95), "x")
    figure("cart_read_over_bare_ratio", percentile(reads, 95) / percentile(bare, 95), "x")
    figure("cart_add_queries", add_queries, "queries")
    figure("cart_read_queries", read_queries, "queries")
    if not (args.keep or args.reuse):
        drop_database(environment)


def measure(environment, variants, requests):
    """(add, read, bare view) timings against a fresh server."""
    rng = random.Random(13)  # noqa: S311 - the same requests on every run
    with web_server(environment, workers=2) as port:
        _wait_until_answering(port)
        read_tokens = [_filled_cart(port, rng.sample(variants, READ_CART_LINES)) for _ in range(30)]
        for token in read_tokens:  # warm-up: connections, query plans
            _timed(port, "GET", "/api/v1/cart/", token=token)
        adds, token = [], None
        for number in range(requests + 20):
            if number % ADDS_PER_CART == 0:
                token = _filled_cart(port, [rng.choice(variants)])
            elapsed = _timed(
                port, "POST", "/api/v1/cart/lines/", token=token, variant=rng.choice(variants)
            )
            if number >= 20:  # the first 20 warm the server up
                adds.append(elapsed)
        reads = [
            _timed(port, "GET", "/api/v1/cart/", token=rng.choice(read_tokens))
            for _ in range(requests)
        ]
        bare = [timed_get(port, "/healthz", HOST) for _ in range(requests)]
    return adds, reads, bare


def count_queries(variants) -> tuple[int, int]:
    """Statements of one add and of one read of a 10-line cart, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    rng = random.Random(17)  # noqa: S311
    chosen = rng.sample(variants, READ_CART_LINES + 1)
    answer = client.post(
        "/api/v1/cart/lines/",
        json.dumps({"variant": chosen[0], "quantity": 1}),
        content_type="application/json",
    )
    headers = {"HTTP_X_CART_TOKEN": answer.json()["token"]}
    for variant in chosen[1:-1]:
        client.post(
            "/api/v1/cart/lines/",
            json.dumps({"variant": variant, "quantity": 1}),
            content_type="application/json",
            **headers,
        )
    with CaptureQueriesContext(connection) as read:
        assert client.get("/api/v1/cart/", **headers).json()["line_count"] == READ_CART_LINES
    with CaptureQueriesContext(connection) as added:
        client.post(
            "/api/v1/cart/lines/",
            json.dumps({"variant": chosen[-1], "quantity": 1}),
            content_type="application/json",
            **headers,
        )
    return _statements(added), _statements(read)


def _statements(captured) -> int:
    # Schema switches (SET search_path) are bookkeeping of django-tenants, not queries.
    return sum(1 for query in captured if not query["sql"].startswith("SET search_path"))


def _buyable_variants() -> list[int]:
    """Variants of B2C products with stock enough for the run (1 per add)."""
    from django.db.models import F, Q

    from catalog.models import ProductVariant

    return list(
        ProductVariant.objects.filter(product__status="active", product__visible_b2c=True)
        .filter(Q(stock_policy="backorder") | Q(stock_on_hand__gte=F("stock_reserved") + 10))
        .filter(quantity_max__isnull=True, quantity_min=1, quantity_step=1)
        .values_list("pk", flat=True)
    )


def _wait_until_answering(port, timeout: float = 300) -> None:
    """gunicorn listens before its workers have imported Django: wait for both to answer."""
    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 4:
        try:
            status, _ = request(port, "GET", "/api/v1/cart/", HOST)
            answered += status == 200
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def _filled_cart(port, variants) -> str:
    token = None
    for variant in variants:
        status, body = request(
            port,
            "POST",
            "/api/v1/cart/lines/",
            HOST,
            body=json.dumps({"variant": variant, "quantity": 1}),
            headers={"X-Cart-Token": token} if token else None,
        )
        if status not in (200, 201):
            raise RuntimeError(f"add answered {status}: {body[:300]!r}")
        token = json.loads(body)["token"]
    return token


def _timed(port, method, path, *, token, variant=None) -> float:
    body = json.dumps({"variant": variant, "quantity": 1}) if variant is not None else None
    started = time.perf_counter()
    status, data = request(port, method, path, HOST, body=body, headers={"X-Cart-Token": token})
    elapsed = (time.perf_counter() - started) * 1000
    if status not in (200, 201):
        raise RuntimeError(f"{method} {path} answered {status}: {data[:300]!r}")
    return elapsed


if __name__ == "__main__":
    main()
