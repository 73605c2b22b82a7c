"""B2B speed on a store seeded with 100,000 variants, through a real HTTP server.

* ``b2b_price_list_p95_ms``: GET /api/v1/shop/products/ (a page of 24, various sorts and
  filters) as a member of a company whose price list has 10,000 entries (variants, products,
  categories and brands), every page priced by ``pricing.prices_for``;
* ``b2c_price_list_p95_ms``: the same requests, in the same run and interleaved with them, as a
  signed-in B2C shopper; ``b2b_over_b2c_price_list_ratio`` (goal: at most 1.5);
  both with the answer cache off (CATALOG_ANSWER_CACHE_SECONDS=0): every request prices;
* ``b2b_price_list_queries`` / ``b2c_price_list_queries``: the SQL statements one such request
  makes (counted in this process through Django's test client);
* ``b2b_price_list_import_10000_ms``: the 10,000 entries imported from CSV (one service call).

    python benchmarks/b2b.py [--variants 100000] [--requests 300] [--keep] [--reuse]

``--keep`` keeps the seeded database; ``--reuse`` measures again the one a ``--keep`` run kept.
Each figure is made by a function of its own (``price_list_figures``), so that more B2B
figures are added beside it.
"""

import argparse
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
    web_server,
)

HOST = "bench.localhost"
STORE = "bench"
ENTRIES = 10_000
LIST_QUERIES = [
    "",
    "?sort=price",
    "?sort=-price",
    "?sort=newest",
    "?category=clothing",
    "?category=lighting&in_stock=true",
    "?brand=acme,lumen&sort=price",
    "?page_size=48",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()

    environment = bench_environment("bench_b2b", fresh=not args.reuse)
    migrate(environment)
    if not args.reuse:
        seed_bench_store(environment, args.variants, per_product=4)

    import django

    django.setup()
    price_list_figures(environment, requests=args.requests)
    if not (args.keep or args.reuse):
        drop_database(environment)


# --- b2b_price_list_p95_ms ---------------------------------------------------------------------


def price_list_figures(environment: dict, *, requests: int) -> None:
    """The shop list as a company member with a 10,000-entry price list beside the same list
    as a B2C shopper: p50, p95, their ratio, and the queries of one request each."""
    from django_tenants.utils import schema_context

    with schema_context(STORE):
        tokens, import_ms = _buyers_and_price_list()
        b2b_queries, b2c_queries = _count_list_queries(tokens)
    figure("b2b_price_list_import_10000_ms", import_ms, "ms")
    uncached = {**environment, "CATALOG_ANSWER_CACHE_SECONDS": "0"}
    b2b, b2c = _measure_lists(uncached, tokens, requests)
    figure("b2b_price_list_p50_ms", statistics.median(b2b), "ms")
    figure("b2b_price_list_p95_ms", percentile(b2b, 95), "ms")
    figure("b2c_price_list_p50_ms", statistics.median(b2c), "ms")
    figure("b2c_price_list_p95_ms", percentile(b2c, 95), "ms")
    figure("b2b_over_b2c_price_list_ratio", percentile(b2b, 95) / percentile(b2c, 95), "x")
    figure("b2b_price_list_queries", b2b_queries, "queries")
    figure("b2c_price_list_queries", b2c_queries, "queries")


def _buyers_and_price_list() -> tuple[dict[str, str], float]:
    """A company (its member's token) with a price list of ENTRIES entries, imported through
    the service, and a B2C shopper's token; (tokens, import time in ms)."""
    import secrets

    from accounts import services as accounts_services
    from accounts.models import Company, User
    from b2b.models import PriceList
    from b2b.pricing import services
    from catalog.models import Brand, Category, Product, ProductVariant

    def person(email):
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, email, secrets.token_urlsafe()
        )
        return user

    member = person("bench-buyer@b2b.example")
    company = Company.objects.filter(name="Bench Wholesale").first()
    if company is None:
        company = accounts_services.create_company(name="Bench Wholesale", admin=member)
    shopper = person("bench-shopper@b2c.example")
    tokens = {
        "b2b": accounts_services.issue_auth_token(user=member).key,
        "b2c": accounts_services.issue_auth_token(user=shopper).key,
    }
    existing = PriceList.objects.filter(name="Bench wholesale").first()
    if existing is not None:
        return tokens, 0.0
    rng = random.Random(23)  # noqa: S311 - the same list on every run
    rows = ["target,reference,kind,value,min_quantity,order_multiple"]
    for slug in Brand.objects.values_list("slug", flat=True)[:5]:
        rows.append(f"brand,{slug},percent_off,5,,")
    for slug in Category.objects.values_list("slug", flat=True)[:20]:
        rows.append(f"category,{slug},percent_off,{rng.randint(6, 12)},,")
    products = list(Product.objects.values_list("slug", flat=True))
    for slug in rng.sample(products, min(len(products), 1_000)):
        rows.append(f"product,{slug},percent_off,{rng.randint(10, 20)},,")
    skus = list(ProductVariant.objects.values_list("sku", flat=True))
    for sku in rng.sample(skus, min(len(skus), ENTRIES - len(rows) + 1)):
        rows.append(f"variant,{sku},fixed,{rng.randint(100, 5000) / 100:.2f},,")
    price_list = services.create_price_list(name="Bench wholesale", company_ids=[company.pk])
    started = time.perf_counter()
    services.import_entries(price_list=price_list, text="\n".join(rows) + "\n")
    return tokens, (time.perf_counter() - started) * 1000


def _measure_lists(environment, tokens, requests) -> tuple[list[float], list[float]]:
    """B2B and B2C timings of the same list requests, interleaved, on one fresh server."""
    rng = random.Random(7)  # noqa: S311 - the same request mix on every run
    timings: dict[str, list[float]] = {"b2b": [], "b2c": []}
    with web_server(environment, workers=2) as port:
        _wait_until_answering(port)
        for query in LIST_QUERIES * 3:  # warm-up: connections, query plans
            for who in timings:
                _timed_list(port, query, tokens[who])
        for _ in range(requests):
            query = rng.choice(LIST_QUERIES)
            order = ("b2b", "b2c") if rng.random() < 0.5 else ("b2c", "b2b")
            for who in order:
                timings[who].append(_timed_list(port, query, tokens[who]))
    return timings["b2b"], timings["b2c"]


def _timed_list(port: int, query: str, token: str) -> float:
    headers = {"Authorization": f"Token {token}"}
    started = time.perf_counter()
    status, body = request(port, "GET", f"/api/v1/shop/products/{query}", HOST, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"list answered {status}: {body[:300]!r}")
    return elapsed


def _count_list_queries(tokens) -> tuple[int, int]:
    """Statements of one list request of each buyer, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = []
    with override_settings(CATALOG_ANSWER_CACHE_SECONDS=0):
        for who in ("b2b", "b2c"):
            client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {tokens[who]}")
            client.get("/api/v1/shop/products/")
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/api/v1/shop/products/").status_code == 200
            counts.append(sum(1 for q in captured if not q["sql"].startswith("SET search_path")))
    return counts[0], counts[1]


def _wait_until_answering(port, timeout: float = 300) -> None:
    """gunicorn listens before its workers have imported Django: wait for both to answer."""
    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 4:
        try:
            status, _ = request(port, "GET", "/healthz", HOST)
            answered += status == 200
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


if __name__ == "__main__":
    main()
