"""Order placement speed and the no-oversell race, through the real HTTP server (gunicorn, 2
workers) and checkout's API, on a store seeded with ``--variants`` variants.

Every order is placed by ``POST /api/v1/checkout/<token>/complete/`` of an anonymous shopper's
checkout that is ready (email, a US address, a flat-rate delivery option, cash on delivery):
the checkout locked, its cart priced afresh (prices, stock, the quantity rules), taxes and
shipping, the variants locked in id order and reserved, the plan's limit, the order's number,
its lines in one statement, the cart ordered; then the COD payment started; emails queued to
Celery after commit. The checkouts are made beforehand in this process (the carts, lines and
checkouts written in bulk from one made through the services), so that only placing is timed.

* ``order_place_p95_ms`` (and p50): one 5-line order placed, one request at a time;
* ``orders_per_s``: 5-line orders placed per second, sustained for ``--seconds`` (60) by
  ``--clients`` concurrent shoppers (each waits for its answer before sending the next);
* ``oversell_trials`` runs of the 50-for-10 race: 50 shoppers complete, at the same moment
  (a barrier), a checkout of 1 of the last 10 units of a fresh variant. ``oversold_units``
  (placed beyond the stock, summed over the runs) must be 0; ``oversell_refused`` counts the
  answers 409 ``out_of_stock`` (40 a run), ``oversell_unclear`` any other refusal (must be 0);
* ``bare_view_p95_ms``: ``/healthz`` on the same server in the same run, with
  ``order_place_over_bare_ratio``;
* ``order_place_queries``: the SQL statements of one 5-line placement (through Django's test
  client in this process, store routing and the COD payment included).

    python benchmarks/orders.py [--variants 10000] [--orders 300] [--seconds 60] [--clients 6]
                                [--trials 100] [--keep] [--reuse]
"""

import argparse
import json
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
    request,
    seed_bench_store,
    timed_get,
    web_server,
)

SCHEMA = "bench"
HOST = "bench.localhost"
LINES = 5
RACERS = 50
LAST_UNITS = 10
WARM_UP = 20
ADDRESS = {
    "full_name": "Bench Shopper",
    "line1": "1 Market St",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94105",
    "country": "US",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument(
        "--sustained-checkouts",
        type=int,
        default=3000,
        help="checkouts made ready for the sustained run (it stops early if they run out)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()

    environment = bench_environment("bench_orders", fresh=not args.reuse)
    migrate(environment)
    if not args.reuse:
        seed_bench_store(environment, args.variants, per_product=4)

    import django

    django.setup()

    started = time.perf_counter()
    store = _in_store(lambda: _prepare(args))
    figure("prepare_checkouts_s", time.perf_counter() - started, "s")

    with web_server(environment, workers=2) as port:
        _wait_until_answering(port)
        for token in store["warm"]:  # connections, query plans, imports of both workers
            _complete(port, token)
        places = [_complete(port, token)[0] for token in store["sequential"]]
        rate, sustained_failures = _sustained(port, store["sustained"], args.seconds, args.clients)
        oversold, refused, unclear = _oversell_trials(port, store["races"])
        bare = [timed_get(port, "/healthz", HOST) for _ in range(args.orders)]
    queries = _in_store(lambda: _count_queries(store["counted"]))

    figure("order_place_p50_ms", statistics.median(places), "ms")
    figure("order_place_p95_ms", percentile(places, 95), "ms")
    figure("bare_view_p95_ms", percentile(bare, 95), "ms")
    figure("order_place_over_bare_ratio", percentile(places, 95) / percentile(bare, 95), "x")
    figure("order_place_queries", queries, "queries")
    figure("orders_per_s", rate, "orders/s")
    figure("orders_sustained_failures", sustained_failures, "answers")
    figure("oversell_trials", len(store["races"]), "runs")
    figure("oversold_units", oversold, "units")
    figure("oversell_refused", refused, "answers")
    figure("oversell_unclear", unclear, "answers")
    _purge_queued_emails()
    if not (args.keep or args.reuse):
        drop_database(environment)


# --- Preparing the store and the checkouts (in this process) ------------------------------


def _in_store(work):
    """Run ``work()`` on this thread's connection in the bench store's schema."""
    from django.db import connection

    from tenants.models import Tenant

    connection.set_tenant(Tenant.objects.get(schema_name=SCHEMA))
    return work()


def _prepare(args) -> dict:
    """The store set up to sell (unlimited plan, stock, a US zone with a COD flat rate, COD
    enabled) and the ready checkouts of each phase (their tokens)."""
    _unlimited_plan()
    variants = _stocked_variants()
    option = _delivery_option()
    template = _template_checkout(variants[0], option)
    sets = (_five(variants, n) for n in range(10**9))
    prepared = {
        "warm": _clone(template, [next(sets) for _ in range(WARM_UP)]),
        "sequential": _clone(template, [next(sets) for _ in range(args.orders)]),
        "sustained": _clone(template, [next(sets) for _ in range(args.sustained_checkouts)]),
        "counted": _clone(template, [next(sets)])[0],
        "races": [],
    }
    for trial in range(args.trials):
        variant = _race_variant(trial)
        prepared["races"].append((variant.pk, _clone(template, [[variant]] * RACERS)))
    return prepared


def _unlimited_plan() -> None:
    from tenants.models import Plan, Tenant

    plan = Plan.objects.filter(max_monthly_orders__isnull=True).first()
    Tenant.objects.filter(schema_name=SCHEMA).update(plan=plan, plan_is_complimentary=True)


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


def _delivery_option() -> int:
    from payments import services as payment_services
    from shipping import services as shipping_services
    from shipping.models import DeliveryOption

    payment_services.set_method_settings(data={"enabled_methods": ["cod"]})
    kept = DeliveryOption.objects.filter(zone__name="Bench US", name="Standard").first()
    if kept is not None:  # --reuse: the option of the earlier run
        return kept.pk
    zone = shipping_services.create_zone(name="Bench US", countries=["US"])
    option = shipping_services.create_option(
        zone=zone,
        data={
            "name": "Standard",
            "kind": "flat_rate",
            "price": Decimal("5.00"),
            "allows_cash_on_delivery": True,
        },
        bands=None,
    )
    return option.pk


def _template_checkout(variant, option: int):
    """One checkout made ready through the services: what every prepared one copies."""
    from cart import services as cart_services
    from checkout import services as checkout_services
    from pricing import Buyer

    buyer = Buyer.anonymous()
    cart = cart_services.create_anonymous_cart()
    cart_services.add_line(cart=cart, variant_id=variant.pk, quantity=1, buyer=buyer)
    checkout = checkout_services.start_checkout(cart=cart, buyer=buyer)
    checkout_services.update_checkout(
        checkout=checkout,
        buyer=buyer,
        data={
            "email": "bench@example.com",
            "shipping_address": ADDRESS,
            "delivery_option": option,
            "payment_method": "cod",
        },
    )
    checkout.refresh_from_db()
    return checkout


def _five(variants, n: int) -> list:
    chosen = [variants[(n * 7919 + k * 104729) % len(variants)] for k in range(LINES)]
    return list({v.pk: v for v in chosen}.values())


def _clone(template, variant_sets: list[list]) -> list[str]:
    """Anonymous carts holding 1 unit of each variant of a set, each with a checkout ready as
    ``template`` is, written in bulk; their checkout tokens."""
    from cart.models import Cart, CartLine
    from checkout.models import Checkout
    from pricing import Buyer, price_for

    buyer = Buyer.anonymous()
    carts = Cart.objects.bulk_create([Cart() for _ in variant_sets], batch_size=1000)
    CartLine.objects.bulk_create(
        [
            CartLine(
                cart=cart,
                variant_id=variant.pk,
                quantity=1,
                unit_price_at_add=price_for(variant, buyer).amount,
                sku_at_add=variant.sku,
                name_at_add=variant.product.name,
            )
            for cart, chosen in zip(carts, variant_sets, strict=True)
            for variant in chosen
        ],
        batch_size=2000,
    )
    checkouts = Checkout.objects.bulk_create(
        [
            Checkout(
                cart=cart,
                email=template.email,
                shipping_address=template.shipping_address,
                billing_same_as_shipping=True,
                delivery_option_id=template.delivery_option_id,
                payment_method=template.payment_method,
            )
            for cart in carts
        ],
        batch_size=1000,
    )
    return [str(checkout.token) for checkout in checkouts]


def _race_variant(trial: int):
    from catalog import services as catalog_services

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


# --- Through the server -----------------------------------------------------------------------


def _complete(port: int, token: str) -> tuple[float, int, dict]:
    """Complete one checkout: (milliseconds, status, answer)."""
    started = time.perf_counter()
    status, body = request(port, "POST", f"/api/v1/checkout/{token}/complete/", HOST, body="{}")
    elapsed = (time.perf_counter() - started) * 1000
    answer = json.loads(body) if body else {}
    if status >= 500:
        raise RuntimeError(f"complete answered {status}: {body[:300]!r}")
    return elapsed, status, answer


def _wait_until_answering(port: int, timeout: float = 300) -> None:
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


def _sustained(port: int, tokens: list[str], seconds: float, clients: int) -> tuple[float, int]:
    """Orders per second placed by ``clients`` shoppers for ``seconds`` (201 answers only),
    and how many answers were not 201."""
    pending = iter(tokens)
    lock = threading.Lock()
    placed, failed = [0] * clients, [0] * clients
    deadline = time.monotonic() + seconds

    def shopper(index: int) -> None:
        while time.monotonic() < deadline:
            with lock:
                token = next(pending, None)
            if token is None:
                return
            _, status, _ = _complete(port, token)
            if status == 201:
                placed[index] += 1
            else:
                failed[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=shopper, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if elapsed < seconds * 0.99:
        print(f"# the {len(tokens)} prepared checkouts ran out after {elapsed:.1f} s", flush=True)
    return sum(placed) / elapsed, sum(failed)


def _oversell_trials(port: int, races: list) -> tuple[int, int, int]:
    """Each race: 50 checkouts of 1 of the last 10 units completed at the same moment.
    (units oversold, out_of_stock answers, other refusals) over all the races."""
    oversold = refused = unclear = 0
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        for variant_id, tokens in races:
            barrier = threading.Barrier(RACERS)

            def race(token, barrier=barrier):
                barrier.wait()
                return _complete(port, token)

            answers = list(pool.map(race, tokens))
            placed = sum(1 for _, status, _ in answers if status == 201)
            for _, status, answer in answers:
                if status == 201:
                    continue
                code = answer.get("error", {}).get("code")
                fields = answer.get("error", {}).get("fields", {})
                if status == 409 and code == "out_of_stock" and f"lines.{variant_id}" in fields:
                    refused += 1
                else:
                    unclear += 1
            oversold += max(placed - LAST_UNITS, _in_store(lambda v=variant_id: _beyond(v)))
    return oversold, refused, unclear


def _beyond(variant_id: int) -> int:
    """Units of the variant reserved or sold beyond its stock (0 unless oversold)."""
    from catalog.models import ProductVariant
    from orders.models import OrderLine

    variant = ProductVariant.objects.get(pk=variant_id)
    ordered = sum(
        OrderLine.objects.filter(variant_id=variant_id).values_list("quantity", flat=True)
    )
    return max(variant.stock_reserved - variant.stock_on_hand, ordered - LAST_UNITS, 0)


def _count_queries(token: str) -> int:
    """Statements of one 5-line placement through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    with CaptureQueriesContext(connection) as captured:
        answer = client.post(
            f"/api/v1/checkout/{token}/complete/", "{}", content_type="application/json"
        )
    if answer.status_code != 201:
        raise RuntimeError(f"complete answered {answer.status_code}: {answer.content[:300]!r}")
    # Schema switches (SET search_path) are bookkeeping of django-tenants, not queries.
    return sum(1 for query in captured if not query["sql"].startswith("SET search_path"))


def _purge_queued_emails() -> None:
    """The order emails the run queued (no worker consumes them here)."""
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue or "celery")


if __name__ == "__main__":
    main()
