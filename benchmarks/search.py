"""Catalog search speed on a store seeded with 100,000 variants, through a real HTTP server.

* ``reindex_s``: a full rebuild of the store's PostgreSQL search documents (and lexicon);
* ``search_p95_ms``: GET /api/v1/search/ (text, filters, typos, facets, a page of 24);
* ``suggest_p95_ms``: GET /api/v1/search/suggest/ (prefixes, one with a typo);
* ``bare_view_p95_ms``: /healthz on the same server in the same run, for comparison;
* with ``ELASTICSEARCH_URL`` set, the same for the Elasticsearch backend (``es_*``).

    python benchmarks/search.py [--variants 100000] [--requests 300] [--keep]
"""

import argparse
import os
import random
import statistics
import time
import urllib.parse

from harness import (
    bench_environment,
    drop_database,
    figure,
    manage,
    migrate,
    percentile,
    timed_get,
    web_server,
)

SEARCHES = [
    {"q": "lamp"},
    {"q": "nordic jacket"},
    {"q": "smart speaker", "sort": "price"},
    {"q": "phones"},
    {"q": "acme kettle"},
    {"q": "jackt"},
    {"q": "speakr lumen"},
    {"q": "lamp", "category": "home"},
    {"q": "chair", "brand": "acme,orbit", "sort": "-price"},
    {"q": "tent", "price_min": "20", "price_max": "200"},
    {"q": "shirt", "attr.colour": "red"},
    {"q": "deluxe", "in_stock": "true"},
    {"q": "", "category": "electronics"},
    {"q": "vintage backpack", "page": "2"},
]
SUGGESTS = ["la", "lam", "nor", "smart sp", "ket", "backp", "jackt", "eco", "urban ch", "pro"]
HOST = "bench.localhost"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    environment = bench_environment("bench_search")
    migrate(environment)
    manage(environment, "shell", "-c", _PROVISION)
    manage(environment, "seed_catalog", "--store", "bench", "--variants", str(args.variants))

    figure("reindex_s", _reindex("postgres"), "s")
    postgres = {**environment, "SEARCH_BACKEND": "postgres"}
    _measure(postgres, args.requests, prefix="")
    if os.environ.get("ELASTICSEARCH_URL"):
        figure("es_reindex_s", _reindex("elasticsearch"), "s")
        elastic = {**environment, "SEARCH_BACKEND": "elasticsearch"}
        _measure(elastic, args.requests, prefix="es_")
    if not args.keep:
        drop_database(environment)


def _reindex(backend: str) -> float:
    """Seconds for one full rebuild of the bench store's documents in ``backend``."""
    import django

    django.setup()
    from django_tenants.utils import schema_context

    from search.backends import BACKENDS
    from search.backends import _backend_class as backend_class

    assert backend in BACKENDS
    with schema_context("bench"):
        started = time.perf_counter()
        backend_class(backend)().reindex()
        return time.perf_counter() - started


def _measure(environment: dict, requests: int, *, prefix: str) -> None:
    rng = random.Random(11)  # noqa: S311 - reproducible request mix
    search_paths = [f"/api/v1/search/?{urllib.parse.urlencode(p)}" for p in SEARCHES]
    suggest_paths = [
        f"/api/v1/search/suggest/?{urllib.parse.urlencode({'q': q})}" for q in SUGGESTS
    ]
    with web_server(environment, workers=2) as port:
        for path in search_paths + suggest_paths:  # warm-up: connections, caches, plans
            timed_get(port, path, HOST)
            timed_get(port, path, HOST)
        searches = [timed_get(port, rng.choice(search_paths), HOST) for _ in range(requests)]
        suggests = [timed_get(port, rng.choice(suggest_paths), HOST) for _ in range(requests)]
        bare = [timed_get(port, "/healthz", HOST) for _ in range(requests)]
    figure(f"{prefix}search_p50_ms", statistics.median(searches), "ms")
    figure(f"{prefix}search_p95_ms", percentile(searches, 95), "ms")
    figure(f"{prefix}suggest_p50_ms", statistics.median(suggests), "ms")
    figure(f"{prefix}suggest_p95_ms", percentile(suggests, 95), "ms")
    if not prefix:
        figure("bare_view_p95_ms", percentile(bare, 95), "ms")
        figure("search_over_bare_ratio", percentile(searches, 95) / percentile(bare, 95), "x")


_PROVISION = (
    "from tenants.services import provision_store; "
    "provision_store(name='Bench Store', slug='bench')"
)


if __name__ == "__main__":
    main()
