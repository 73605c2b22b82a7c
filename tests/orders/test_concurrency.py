"""Placing orders at once, on real connections to the live platform's database (committed
stores: tests/live_server.py). Checkout's API does not exist on this branch yet, so the racing
shoppers are threads calling ``orders.actions.place_order`` each on its own PostgreSQL
connection; the same races through the HTTP API belong to checkout's tests once
``/api/v1/checkout/`` exists.

- 50 shoppers buying the last 10 units at once: exactly 10 orders, nothing oversold, every
  other answer a clear out-of-stock;
- 10 parallel submits of one checkout: one order, returned to all ten.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

SHOPPERS = 50
UNITS = 10


@pytest.fixture(scope="module")
def store(live_platform):
    return live_platform.store_a


def _in_store(store, work):
    """Run ``work()`` on this thread's own connection, in the store's schema."""
    from tenants.models import Tenant

    try:
        connection.set_tenant(Tenant.objects.get(schema_name=store.schema_name))
        return work()
    finally:
        connection.close()


def _variant(stock: int):
    from tests.orders.factories import make_variant

    return make_variant(price="9.00", stock=stock)


def _attempt(draft):
    from orders.actions import place_order
    from orders.errors import OutOfStock
    from pricing import Buyer

    try:
        return ("placed", place_order(draft=draft, buyer=Buyer()).pk)
    except OutOfStock as refused:
        return ("out_of_stock", refused.fields)


def test_fifty_shoppers_for_the_last_ten_units_make_ten_orders(store, live_platform):
    from tests.orders.factories import draft_for

    with live_platform.database(store):
        variant = _variant(UNITS)
        drafts = [draft_for([(variant, 1)], email=f"s{i}@example.com") for i in range(SHOPPERS)]

        with ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
            results = list(pool.map(lambda d: _in_store(store, lambda: _attempt(d)), drafts))

        placed = [pk for outcome, pk in results if outcome == "placed"]
        refused = [fields for outcome, fields in results if outcome == "out_of_stock"]
        assert len(placed) == UNITS and len(set(placed)) == UNITS
        assert len(refused) == SHOPPERS - UNITS
        assert all(
            fields == {f"lines.{variant.pk}": [f"{variant.product.name} is out of stock."]}
            for fields in refused
        )
        variant.refresh_from_db()
        assert (variant.stock_on_hand, variant.stock_reserved) == (UNITS, UNITS)
        from orders.models import OrderLine

        assert sum(
            OrderLine.objects.filter(variant=variant).values_list("quantity", flat=True)
        ) == (UNITS)


def test_ten_parallel_submits_of_one_checkout_make_one_order(store, live_platform):
    from orders.models import Order
    from tests.orders.factories import draft_for

    with live_platform.database(store):
        variant = _variant(100)
        draft = draft_for([(variant, 2)])

        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(lambda _: _in_store(store, lambda: _attempt(draft)), range(10)))

        assert {outcome for outcome, _ in results} == {"placed"}
        assert len({pk for _, pk in results}) == 1
        assert Order.objects.filter(checkout_token=draft.checkout_token).count() == 1
        variant.refresh_from_db()
        assert variant.stock_reserved == 2
