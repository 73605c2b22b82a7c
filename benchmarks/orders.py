"""Order placement speed and the no-oversell race, on a seeded store.

Checkout's API (``/api/v1/checkout/``) does not exist on this branch yet, so this benchmark
calls the action itself — ``orders.actions.place_order`` with a draft as checkout builds it —
from threads of this process, each on its own PostgreSQL connection (no HTTP server). Once
checkout's API exists the same figures are to be taken through gunicorn (2 workers); the
figures here are the action's share of that request.

* ``order_place_p95_ms`` (and p50): one 5-line order placed (token lock, re-validation with
  price_for, 5 variants locked and reserved, plan limit, number, snapshot, events), one at a
  time;
* ``orders_per_s``: orders placed per second, sustained for ``--seconds`` (60 by default) by
  ``--threads`` concurrent shoppers buying 5 random lines each;
* ``oversell_trials`` runs of the 50-for-10 race (50 threads each buying 1 of the last 10 units
  of a variant at once), with ``oversold_units`` (placed beyond the stock, summed over the runs:
  must be 0) and ``oversell_refused`` (out-of-stock answers: 40 per run);
* ``bare_call_p95_ms``: the floor of the same run, one empty transaction (BEGIN; SELECT 1;
  COMMIT) on the same kind of connection, with ``order_place_over_bare_ratio``;
* ``order_place_queries``: the SQL statements of one 5-line placement.

    python benchmarks/orders.py [--variants 10000] [--orders 300] [--seconds 60] [--threads 4]
                                [--trials 100] [--keep] [--reuse]
"""

import argparse
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from harness import (
    bench_environment,
    drop_database,
    figure,
    migrate,
    percentile,
    seed_bench_store,
)

SCHEMA = "bench"
LINES = 5
RACERS = 50
LAST_UNITS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()

    environment = bench_environment("bench_orders", fresh=not args.reuse)
    # Order emails are queued, not sent, during the run (nothing consumes this queue).
    environment["CELERY_TASK_DEFAULT_QUEUE"] = "bench-orders"
    migrate(environment)
    if not args.reuse:
        seed_bench_store(environment, args.variants, per_product=4)

    import django

    django.setup()
    from config.celery import app

    app.conf.task_default_queue = "bench-orders"
    _unlimited_plan()
    variants = _in_store(_stocked_variants)

    places, queries, bare = _in_store(lambda: _sequential(variants, args.orders))
    rate = _sustained(variants, seconds=args.seconds, threads=args.threads)
    oversold, refused = _oversell_trials(args.trials)

    figure("order_place_p50_ms", statistics.median(places), "ms")
    figure("order_place_p95_ms", percentile(places, 95), "ms")
    figure("bare_call_p95_ms", percentile(bare, 95), "ms")
    figure("order_place_over_bare_ratio", percentile(places, 95) / percentile(bare, 95), "x")
    figure("order_place_queries", queries, "queries")
    figure("orders_per_s", rate, "orders/s")
    figure("oversell_trials", args.trials, "runs")
    figure("oversold_units", oversold, "units")
    figure("oversell_refused", refused, "answers")
    with app.connection_for_write() as conn:  # the queued order emails of the run
        conn.default_channel.queue_purge("bench-orders")
    if not (args.keep or args.reuse):
        drop_database(environment)


def _unlimited_plan() -> None:
    from tenants.models import Plan, Tenant

    plan = Plan.objects.filter(max_monthly_orders__isnull=True).first()
    Tenant.objects.filter(schema_name=SCHEMA).update(plan=plan, plan_is_complimentary=True)


def _in_store(work):
    """Run ``work()`` on this thread's connection in the bench store's schema."""
    from django.db import connection

    from tenants.models import Tenant

    connection.set_tenant(Tenant.objects.get(schema_name=SCHEMA))
    return work()


def _stocked_variants() -> list:
    """Sellable variants with stock for the whole run (stock set high, DENY policy)."""
    from catalog.inventory import set_stock_levels
    from catalog.models import ProductVariant

    variants = list(
        ProductVariant.objects.filter(product__status="active", product__visible_b2c=True)
        .filter(quantity_max__isnull=True, quantity_min=1, quantity_step=1)
        .select_related("product")
        .order_by("pk")[:2000]
    )
    set_stock_levels(
        levels=[(variant.pk, 1_000_000) for variant in variants], reason="received", emit=False
    )
    ProductVariant.objects.filter(pk__in=[v.pk for v in variants]).update(stock_policy="deny")
    return variants


def _draft(variants, rng_index: int, *, lines: int = LINES, quantity: int = 1):
    """A draft of ``lines`` distinct variants priced by price_for, as checkout prices them."""
    import money
    from orders.actions import DraftLine, OrderDraft
    from pricing import Buyer, price_for

    chosen = [variants[(rng_index * 7919 + k * 104729) % len(variants)] for k in range(lines)]
    chosen = list({v.pk: v for v in chosen}.values())
    currency = money.store_currency()
    draft_lines = []
    for variant in chosen:
        unit = price_for(variant, Buyer()).amount
        net = money.quantize(unit * quantity, currency)
        draft_lines.append(
            DraftLine(
                variant_id=variant.pk,
                quantity=quantity,
                unit_price=unit,
                net=net,
                tax=Decimal(0),
                gross=net,
            )
        )
    subtotal = sum((line.gross for line in draft_lines), Decimal(0))
    return OrderDraft(
        checkout_token=uuid.uuid4(),
        lines=draft_lines,
        currency=currency,
        subtotal=subtotal,
        shipping=Decimal("5.00"),
        total=subtotal + Decimal("5.00"),
        email="bench@example.com",
        shipping_address={"full_name": "Bench", "country": "US"},
        payment_method="cash_on_delivery",
    )


def _sequential(variants, count: int):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from orders.actions import place_order
    from pricing import Buyer

    drafts = [_draft(variants, n) for n in range(count + 20)]
    timings = []
    for number, draft in enumerate(drafts):
        started = time.perf_counter()
        place_order(draft=draft, buyer=Buyer())
        if number >= 20:  # the first 20 warm connections and query plans up
            timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        place_order(draft=_draft(variants, count + 21), buyer=Buyer())
    queries = sum(1 for q in captured if not q["sql"].startswith("SET search_path"))
    bare = []
    for _ in range(count):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        bare.append((time.perf_counter() - started) * 1000)
    return timings, queries, bare


def _sustained(variants, *, seconds: float, threads: int) -> float:
    """Orders per second placed by ``threads`` shoppers for ``seconds``."""
    from orders.actions import place_order
    from pricing import Buyer

    deadline = time.monotonic() + seconds
    counts = [0] * threads
    offset = 100_000

    def shopper(index: int) -> None:
        from django.db import connection

        def run():
            n = offset + index
            while time.monotonic() < deadline:
                place_order(draft=_draft(variants, n), buyer=Buyer())
                counts[index] += 1
                n += threads

        try:
            _in_store(run)
        finally:
            connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=shopper, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.monotonic() - started)


def _oversell_trials(trials: int) -> tuple[int, int]:
    """``trials`` runs of 50 shoppers buying 1 of the last 10 units of a fresh variant."""
    from catalog import services as catalog_services
    from orders.actions import place_order
    from orders.errors import OutOfStock
    from pricing import Buyer

    def attempt(draft):
        try:
            _in_store(lambda: place_order(draft=draft, buyer=Buyer()))
            return 1
        except OutOfStock:
            return 0

    oversold = refused = 0
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        for trial in range(trials):

            def make(trial=trial):
                product = catalog_services.create_product(
                    data={"name": f"Race {trial}", "status": "active"},
                    variants=[
                        {
                            "sku": f"RACE-{uuid.uuid4().hex[:10]}",
                            "price": Decimal("9.00"),
                            "stock_on_hand": LAST_UNITS,
                        }
                    ],
                )
                return product.variants.select_related("product").get()

            variant = _in_store(make)
            drafts = [_draft([variant], n, lines=1) for n in range(RACERS)]
            placed = sum(pool.map(attempt, drafts))
            refused += RACERS - placed

            def check(variant=variant, placed=placed):
                variant.refresh_from_db()
                return max(placed - LAST_UNITS, 0) + max(
                    variant.stock_reserved - variant.stock_on_hand, 0
                )

            oversold += _in_store(check)
    return oversold, refused


if __name__ == "__main__":
    main()
