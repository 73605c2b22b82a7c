"""Quick order speed: 100 SKU lines checked and added to a company buyer's cart through a real
HTTP server (gunicorn), on a store seeded with 10,000 variants.

* ``quick_order_100_lines_ms``: POST /api/v1/b2b/quick-order/ of 100 lines (the report, then
  every line added through cart.services in one transaction), p95 over the repetitions (goal:
  under 500 ms); ``quick_order_100_lines_p50_ms`` beside it;
* ``quick_order_validate_100_lines_p95_ms``: the same lines with ``validate_only``;
* ``quick_order_10_lines_p95_ms``: 10 lines, to show what of it is per request;
* ``bare_view_p95_ms``: /healthz on the same server in the same run, and the ratio to it;
* ``quick_order_100_lines_queries`` / ``quick_order_10_lines_queries``: SQL statements of the
  quick order's service (report and add) in this process, equal whatever the number of lines.

    python benchmarks/b2b_quick_order.py [--variants 10000] [--repetitions 40] [--keep] [--reuse]
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
URL = "/api/v1/b2b/quick-order/"
WARM_UP = 5
BUYER_EMAIL = "buyer@bench-company.test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=10_000)
    parser.add_argument("--repetitions", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()

    environment = bench_environment("bench_b2b_quick_order", fresh=not args.reuse)
    migrate(environment)
    if not args.reuse:
        seed_bench_store(environment, args.variants, per_product=4)

    import django

    django.setup()
    from django_tenants.utils import schema_context

    with schema_context("bench"):
        skus = _orderable_skus()
        token = _company_buyer_token()
    rng = random.Random(23)  # noqa: S311 - the same lines on every run
    hundred = [{"sku": sku, "quantity": 1} for sku in rng.sample(skus, 100)]
    ten = hundred[:10]
    adds, checks, small, bare = measure(environment, token, hundred, ten, args.repetitions)
    with schema_context("bench"):
        queries_100, queries_10 = count_queries(hundred, ten)

    figure("quick_order_100_lines_ms", percentile(adds, 95), "ms")
    figure("quick_order_100_lines_p50_ms", statistics.median(adds), "ms")
    figure("quick_order_validate_100_lines_p95_ms", percentile(checks, 95), "ms")
    figure("quick_order_10_lines_p95_ms", percentile(small, 95), "ms")
    figure("bare_view_p95_ms", percentile(bare, 95), "ms")
    ratio = percentile(adds, 95) / percentile(bare, 95)
    figure("quick_order_100_lines_over_bare_ratio", ratio, "x")
    figure("quick_order_100_lines_queries", queries_100, "queries")
    figure("quick_order_10_lines_queries", queries_10, "queries")
    if not (args.keep or args.reuse):
        drop_database(environment)


def measure(environment, token, hundred, ten, repetitions):
    """(add 100, validate 100, add 10) timings against a fresh server; the cart is emptied
    after each add (not timed), so every add starts from the same cart."""
    headers = {"Authorization": f"Token {token}"}
    with web_server(environment, workers=2) as port:
        _wait_until_answering(port, headers)
        adds, checks, small = [], [], []
        for number in range(repetitions + WARM_UP):
            check = _timed(port, {"lines": hundred, "validate_only": True}, headers)
            add = _timed(port, {"lines": hundred}, headers)
            request(port, "DELETE", "/api/v1/cart/", HOST, headers=headers)
            add_ten = _timed(port, {"lines": ten}, headers)
            request(port, "DELETE", "/api/v1/cart/", HOST, headers=headers)
            if number >= WARM_UP:
                checks.append(check)
                adds.append(add)
                small.append(add_ten)
        bare = [timed_get(port, "/healthz", HOST) for _ in range(repetitions * 3)]
    return adds, checks, small, bare


def count_queries(hundred, ten) -> tuple[int, int]:
    """Statements of the quick order's service (report, then the add into the buyer's
    cart), for 100 lines and for 10, in this process: the same number is the point."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from b2b.bulk import quick_order
    from b2b.bulk.lines import parse_rows
    from cart import services
    from cart.identify import CartOwner
    from pricing import buyer_for

    user = User.objects.get(email=BUYER_EMAIL)
    owner, buyer = CartOwner(user=user), buyer_for(user=user)
    counts = []
    cart = services.open_cart_for_user(user=user)  # both measured adds find the cart
    services.clear(cart=cart)
    for lines in (hundred, ten):
        requested = parse_rows((line["sku"], line["quantity"]) for line in lines)
        with CaptureQueriesContext(connection) as captured:
            quick_order.add_quick_order(lines=requested, buyer=buyer, owner=owner)
        services.clear(cart=cart)
        counts.append(
            sum(1 for query in captured if not query["sql"].startswith("SET search_path"))
        )
    return counts[0], counts[1]


def _orderable_skus() -> list[str]:
    """SKUs a company may buy, with stock enough for a line of 1, no quantity rules."""
    from catalog.models import ProductVariant

    return list(
        ProductVariant.objects.filter(
            product__status="active",
            product__visible_b2b=True,
            stock_on_hand__gte=10,
            quantity_max__isnull=True,
            quantity_min=1,
            quantity_step=1,
        ).values_list("sku", flat=True)[:5000]
    )


def _company_buyer_token() -> str:
    """A buyer of a company (made once; a --reuse run finds it) and a sign-in token."""
    from accounts import services
    from accounts.models import Company, CompanyMembership, User

    user = User.objects.filter(email=BUYER_EMAIL).first()
    if user is None:
        company = Company.objects.create(name="Bench Company")
        user = User.objects.create_user(username=BUYER_EMAIL, email=BUYER_EMAIL)
        services.add_company_member(company=company, user=user, role=CompanyMembership.Role.BUYER)
    return services.issue_auth_token(user=user).key


def _wait_until_answering(port, headers, timeout: float = 300) -> None:
    """gunicorn listens before its workers have imported Django: wait for both to answer."""
    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 4:
        try:
            status, _ = request(port, "GET", "/api/v1/cart/", HOST, headers=headers)
            answered += status == 200
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def _timed(port, body, headers) -> float:
    started = time.perf_counter()
    status, data = request(port, "POST", URL, HOST, body=json.dumps(body), headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"POST {URL} answered {status}: {data[:300]!r}")
    return elapsed


if __name__ == "__main__":
    main()
