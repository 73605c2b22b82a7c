"""Catalog API speed on a store seeded with 100,000 variants, through a real HTTP server.

* ``catalog_list_p95_ms``: GET /api/v1/shop/products/ (a page of 24, various sorts and filters);
* ``catalog_detail_p95_ms``: GET /api/v1/shop/products/<slug>/ for random products;
* ``bare_view_p95_ms``: /healthz on the same server in the same run (a plain JSON view answered
  before store routing), and the ratios of both catalog figures to it;
* ``catalog_list_uncached_p95_ms`` / ``catalog_detail_uncached_p95_ms``: the same requests on a
  server with the answer cache turned off (CATALOG_ANSWER_CACHE_SECONDS=0): every request
  queries and serializes.
* ``catalog_bulk_update_1000_p50_ms`` / ``_max_ms``: POST /api/v1/catalog/variants/bulk/ with
  1,000 new prices and stock levels (random SKUs, so about 1,000 products), by a catalog
  manager's token: row locks, stock adjustments, the products' summaries refreshed and one
  event, in one transaction.

    python benchmarks/catalog.py [--variants 100000] [--requests 300] [--keep] [--reuse]

``--keep`` keeps the seeded database; ``--reuse`` measures again the one a ``--keep`` run kept.
"""

import argparse
import json
import random
import secrets
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

LIST_QUERIES = [
    "",
    "?sort=price",
    "?sort=-price",
    "?sort=newest",
    "?category=clothing",
    "?category=lighting&in_stock=true",
    "?brand=acme,lumen&sort=price",
    "?price_min=20&price_max=80",
    "?attr.colour=red",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()

    environment = bench_environment("bench_catalog", fresh=not args.reuse)
    migrate(environment)
    if not args.reuse:
        seed_bench_store(environment, args.variants, per_product=4)

    import django

    django.setup()
    from django_tenants.utils import schema_context

    from catalog.models import Product, ProductVariant

    with schema_context("bench"):
        slugs = list(Product.objects.filter(visible_b2c=True).values_list("slug", flat=True))
        skus = list(ProductVariant.objects.values_list("sku", flat=True))
        token = _catalog_manager_token()
    lists, details, bare = measure(environment, slugs, args.requests, workers=2)
    uncached_environment = {**environment, "CATALOG_ANSWER_CACHE_SECONDS": "0"}
    lists_uncached, details_uncached, _ = measure(
        uncached_environment, slugs, args.requests, workers=2
    )

    bulk = measure_bulk_updates(uncached_environment, skus, token, rounds=10)

    figure("catalog_list_p50_ms", statistics.median(lists), "ms")
    figure("catalog_list_p95_ms", percentile(lists, 95), "ms")
    figure("catalog_detail_p50_ms", statistics.median(details), "ms")
    figure("catalog_detail_p95_ms", percentile(details, 95), "ms")
    figure("bare_view_p95_ms", percentile(bare, 95), "ms")
    figure("catalog_list_over_bare_ratio", percentile(lists, 95) / percentile(bare, 95), "x")
    figure("catalog_detail_over_bare_ratio", percentile(details, 95) / percentile(bare, 95), "x")
    figure("catalog_list_uncached_p50_ms", statistics.median(lists_uncached), "ms")
    figure("catalog_list_uncached_p95_ms", percentile(lists_uncached, 95), "ms")
    figure("catalog_detail_uncached_p95_ms", percentile(details_uncached, 95), "ms")
    figure("catalog_bulk_update_1000_p50_ms", statistics.median(bulk), "ms")
    figure("catalog_bulk_update_1000_max_ms", max(bulk), "ms")
    if not (args.keep or args.reuse):
        drop_database(environment)


def measure(environment, slugs, requests, *, workers):
    """(list, detail, bare view) timings against a fresh server with this environment."""
    rng = random.Random(7)  # noqa: S311 - the same request mix on every server
    host = "bench.localhost"
    with web_server(environment, workers=workers) as port:
        for query in LIST_QUERIES:  # warm-up: connections, caches, query plans
            timed_get(port, f"/api/v1/shop/products/{query}", host)
        for slug in slugs[:20]:
            timed_get(port, f"/api/v1/shop/products/{slug}/", host)
        lists = [
            timed_get(port, f"/api/v1/shop/products/{rng.choice(LIST_QUERIES)}", host)
            for _ in range(requests)
        ]
        details = [
            timed_get(port, f"/api/v1/shop/products/{rng.choice(slugs)}/", host)
            for _ in range(requests)
        ]
        bare = [timed_get(port, "/healthz", host) for _ in range(requests)]
    return lists, details, bare


def measure_bulk_updates(environment, skus, token, *, rounds):
    """Timings of bulk updates of 1,000 random variants (new price and stock level each)."""
    rng = random.Random(11)  # noqa: S311 - the same updates on every run
    timings = []
    with web_server(environment, workers=2) as port:
        for _ in range(rounds + 1):  # the first one warms the server up
            rows = [
                {"sku": sku, "price": f"{rng.randint(500, 20000) / 100:.2f}", "stock_on_hand": 7}
                for sku in rng.sample(skus, 1000)
            ]
            started = time.perf_counter()
            status, body = request(
                port,
                "POST",
                "/api/v1/catalog/variants/bulk/",
                "bench.localhost",
                body=json.dumps({"rows": rows}),
                headers={"Authorization": f"Token {token}"},
            )
            timings.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"bulk update answered {status}: {body[:300]!r}")
    return timings[1:]


def _catalog_manager_token() -> str:
    from accounts.models import User
    from accounts.services import create_staff_member, issue_auth_token

    email = "bench-catalog@example.com"
    user = User.objects.filter(email=email).first() or create_staff_member(
        email=email, password=secrets.token_urlsafe(), role="catalog_manager"
    )
    return issue_auth_token(user=user).key


if __name__ == "__main__":
    main()
