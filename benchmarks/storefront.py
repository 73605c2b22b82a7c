"""Storefront page speed on a store seeded with 100,000 variants, through a real HTTP server.

* ``page_home_p95_ms``, ``page_category_p95_ms`` (with facets, filters and sorts),
  ``page_product_p95_ms`` (random products): server time with the page cache off
  (STOREFRONT_PAGE_CACHE_SECONDS=0), every request routed, queried and rendered;
* ``page_<home|category|product>_cached_p95_ms``: the same pages for anonymous shoppers with
  the page cache on, after one warm-up view of each;
* ``bare_view_p95_ms``: /healthz (a plain view answered before store routing) and
  ``bare_store_view_p95_ms``: /robots.txt (a plain Django view behind the whole middleware
  stack of a store's host), both on the same server in the same run, with the ratios of the
  page figures to the latter;
* ``product_page_kb``: what a first visit to a product page downloads, images aside: its HTML
  and every stylesheet and script it links (uncompressed).

    python benchmarks/storefront.py [--variants 100000] [--requests 300] [--keep] [--reuse]

``--keep`` keeps the seeded database; ``--reuse`` measures again the one a ``--keep`` run kept.
"""

import argparse
import random
import re
import statistics
import sys

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
# Facets, filters and sorts a shopper would use on a category page.
CATEGORY_QUERIES = [
    "",
    "?sort=price",
    "?sort=-price",
    "?sort=newest",
    "?in_stock=true",
    "?price=25-50",
    "?brand=acme",
    "?brand=acme&brand=lumen&sort=price",
    "?attr.colour=red",
    "?page=2",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()

    environment = bench_environment("bench_storefront", fresh=not args.reuse)
    migrate(environment)
    if not args.reuse:
        # The store benchmarks/catalog.py measures, indexed for search.
        seed_bench_store(environment, args.variants, per_product=4, reindex=True)

    import django

    django.setup()
    from django_tenants.utils import schema_context

    from catalog.selectors import visible_products
    from storefront_cms.sitemap import _category_rows

    with schema_context("bench"):
        slugs = list(visible_products(channel="b2c").values_list("slug", flat=True))
        categories = [path for path, _ in _category_rows(offset=0)]
    rng = random.Random(7)  # noqa: S311 - the same request mix on every server
    category_urls = [
        f"{path}{query}" for path in rng.sample(categories, 3) for query in CATEGORY_QUERIES
    ]
    product_urls = [f"/p/{slug}/" for slug in rng.sample(slugs, 200)]
    pages = {"home": ["/"], "category": category_urls, "product": product_urls}

    uncached_environment = {**environment, "STOREFRONT_PAGE_CACHE_SECONDS": "0"}
    uncached, bare, bare_store = measure(uncached_environment, pages, args.requests)
    cached, _, _ = measure(
        {**environment, "STOREFRONT_PAGE_CACHE_SECONDS": "600"}, pages, args.requests
    )
    size = product_page_bytes(environment, product_urls[0])

    for name in pages:
        figure(f"page_{name}_p50_ms", statistics.median(uncached[name]), "ms")
        figure(f"page_{name}_p95_ms", percentile(uncached[name], 95), "ms")
        figure(f"page_{name}_cached_p95_ms", percentile(cached[name], 95), "ms")
    figure("bare_view_p95_ms", percentile(bare, 95), "ms")
    figure("bare_store_view_p95_ms", percentile(bare_store, 95), "ms")
    for name in pages:
        figure(
            f"page_{name}_over_bare_store_ratio",
            percentile(uncached[name], 95) / percentile(bare_store, 95),
            "x",
        )
        figure(
            f"page_{name}_cached_over_bare_store_ratio",
            percentile(cached[name], 95) / percentile(bare_store, 95),
            "x",
        )
    figure("product_page_kb", size / 1024, "KB")
    if not (args.keep or args.reuse):
        drop_database(environment)


def measure(environment, pages: dict[str, list[str]], requests: int):
    """({page kind: timings}, /healthz timings, /robots.txt timings) on a fresh server."""
    rng = random.Random(11)  # noqa: S311 - the same request mix on every server
    timings: dict[str, list[float]] = {}
    with web_server(environment, workers=2) as port:
        for urls in pages.values():  # warm-up: connections, query plans, and the page cache
            for url in urls:
                timed_get(port, url, HOST)
        for name, urls in pages.items():
            timings[name] = [timed_get(port, rng.choice(urls), HOST) for _ in range(requests)]
        bare = [timed_get(port, "/healthz", HOST) for _ in range(requests)]
        bare_store = [timed_get(port, "/robots.txt", HOST) for _ in range(requests)]
    return timings, bare, bare_store


def product_page_bytes(environment, url: str) -> int:
    """Bytes of a product page's HTML plus the stylesheets and scripts it links."""
    with web_server(environment, workers=1) as port:
        status, html = request(port, "GET", url, HOST)
        assert status == 200, status
        text = html.decode()
        assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
        assets += re.findall(r'<script src="([^"]+)"', text)
        total = len(html)
        for asset in sorted(set(assets)):
            status, body = request(port, "GET", asset, HOST)
            if status != 200:
                print(f"# {asset} answered {status}: not counted", file=sys.stderr)
                continue
            total += len(body)
    return total


if __name__ == "__main__":
    main()
