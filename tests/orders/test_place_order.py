"""Placing an order: snapshots, numbers, stock reserved, idempotent per checkout, stale carts
and missing stock refused with what changed (nothing reserved), the plan's monthly limit, and
store isolation."""

from decimal import Decimal

import pytest
from django.db import connection

from catalog.models import ProductVariant
from orders import actions, selectors
from orders.errors import CartChanged, EmptyOrder, OutOfStock, QuantityRuleBroken
from orders.models import Order, OrderEvent, OrderStatus, PaymentStatus
from pricing import Buyer
from tenants import currency_locks
from tenants.errors import PlanLimitReached
from tests.orders.factories import draft_for, make_variant, place

pytestmark = pytest.mark.django_db


def _stock(variant):
    variant.refresh_from_db()
    return variant.stock_on_hand, variant.stock_reserved


def test_an_order_snapshots_what_was_bought_and_reserves_its_stock(
    in_store_a, django_capture_on_commit_callbacks
):
    mug = make_variant(price="12.50", stock=10)
    tea = make_variant(price="3.00", stock=0, policy="backorder")

    with django_capture_on_commit_callbacks() as callbacks:
        order = place([(mug, 2), (tea, 3)], tax_rate="10")

    assert order.number == 1001
    assert (order.status, order.payment_status, order.fulfilment_status) == (
        "pending",
        "unpaid",
        "unfulfilled",
    )
    assert order.email == "shopper@example.com"
    assert order.shipping_address["city"] == "Springfield"
    assert order.currency == "USD"
    assert order.subtotal == Decimal("37.40")  # (25.00 + 9.00) + 10% tax
    assert order.total == Decimal("42.40")
    lines = {line.sku: line for line in order.lines.all()}
    assert lines[mug.sku].product_name == mug.product.name
    assert (lines[mug.sku].quantity, lines[mug.sku].unit_price) == (2, Decimal("12.50"))
    assert (lines[mug.sku].net, lines[mug.sku].tax, lines[mug.sku].gross) == (
        Decimal("25.00"),
        Decimal("2.50"),
        Decimal("27.50"),
    )
    assert lines[mug.sku].quantity_reserved == 2
    assert lines[tea.sku].quantity_reserved == 0  # backorders reserve nothing
    assert _stock(mug) == (10, 2)
    assert _stock(tea) == (0, 0)
    assert [event.kind for event in order.events.all()] == [OrderEvent.Kind.PLACED]
    assert callbacks  # order_placed (and products_changed) wait for the commit

    # Later changes to the catalog do not change the order.
    ProductVariant.objects.filter(pk=mug.pk).update(price=Decimal("99.00"))
    mug.product.name = "Renamed"
    mug.product.save()
    line = order.lines.get(sku=mug.sku)
    assert (line.unit_price, line.product_name) != (Decimal("99.00"), "Renamed")


def test_numbers_follow_each_other_from_1001(in_store_a):
    mug = make_variant(stock=100)
    numbers = [place([(mug, 1)]).number for _ in range(3)]
    assert numbers == [1001, 1002, 1003]


def test_the_same_checkout_placed_again_is_the_same_order(in_store_a):
    mug = make_variant(stock=10)
    draft = draft_for([(mug, 3)])

    first = actions.place_order(draft=draft, buyer=Buyer())
    again = actions.place_order(draft=draft, buyer=Buyer())

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert _stock(mug) == (10, 3)


def test_a_changed_price_is_refused_with_what_changed_and_nothing_reserved(in_store_a):
    mug = make_variant(price="10.00", stock=10)
    tea = make_variant(price="4.00", stock=10)
    draft = draft_for([(mug, 1), (tea, 2)])
    ProductVariant.objects.filter(pk=mug.pk).update(price=Decimal("11.00"))

    with pytest.raises(CartChanged) as refused:
        actions.place_order(draft=draft, buyer=Buyer())

    assert refused.value.status_code == 409
    assert refused.value.code == "cart_changed"
    assert refused.value.fields == {
        f"lines.{mug.pk}": [f"{mug.product.name} now costs $11.00 (was $10.00)."]
    }
    assert refused.value.changes[0]["change"] == "price"
    assert (refused.value.changes[0]["was"], refused.value.changes[0]["now"]) == ("10.00", "11.00")
    assert Order.objects.count() == 0
    assert _stock(mug) == (10, 0) and _stock(tea) == (10, 0)


def test_a_product_no_longer_sold_is_refused(in_store_a):
    mug = make_variant(stock=10)
    draft = draft_for([(mug, 1)])
    mug.product.status = "draft"
    mug.product.save()

    with pytest.raises(CartChanged) as refused:
        actions.place_order(draft=draft, buyer=Buyer())

    assert refused.value.fields == {
        f"lines.{mug.pk}": [f"{mug.product.name} is no longer available."]
    }


def test_a_quantity_rule_that_moved_is_refused_naming_the_line_and_the_rule(in_store_a):
    mug = make_variant(stock=10)
    draft = draft_for([(mug, 3)])
    ProductVariant.objects.filter(pk=mug.pk).update(quantity_max=2)

    with pytest.raises(QuantityRuleBroken) as refused:
        actions.place_order(draft=draft, buyer=Buyer())

    assert (refused.value.status_code, refused.value.code) == (400, "quantity_rule")
    assert refused.value.fields == {
        f"lines.{mug.pk}": [f"{mug.product.name} ({mug.sku}): 3 ordered. At most 2 per order."]
    }
    assert not Order.objects.exists()


def test_out_of_stock_is_refused_per_line_and_nothing_is_reserved(in_store_a):
    plenty = make_variant(stock=50)
    scarce = make_variant(stock=2)
    gone = make_variant(stock=0)

    with pytest.raises(OutOfStock) as refused:
        place([(plenty, 5), (scarce, 3), (gone, 1)])

    assert refused.value.status_code == 409
    assert refused.value.code == "out_of_stock"
    assert refused.value.fields == {
        f"lines.{scarce.pk}": [f"Only 2 of {scarce.product.name} left."],
        f"lines.{gone.pk}": [f"{gone.product.name} is out of stock."],
    }
    assert Order.objects.count() == 0
    assert _stock(plenty) == (50, 0)


def test_stock_reserved_by_an_order_is_not_sold_twice(in_store_a):
    mug = make_variant(stock=3)
    place([(mug, 2)])
    with pytest.raises(OutOfStock):
        place([(mug, 2)])
    place([(mug, 1)])
    assert _stock(mug) == (3, 3)


def test_an_empty_order_is_refused(in_store_a):
    with pytest.raises(EmptyOrder) as refused:
        actions.place_order(draft=draft_for([]), buyer=Buyer())
    assert refused.value.status_code == 400
    assert refused.value.fields == {"lines": ["Add something to buy."]}


def test_the_plans_monthly_orders_limit_refuses_the_next_order(in_store_a):
    from tenants.models import Plan, Tenant

    plan = Plan.objects.create(code="tiny", name="Tiny", monthly_price=0, max_monthly_orders=2)
    Tenant.objects.filter(pk=in_store_a.pk).update(plan=plan)
    mug = make_variant(stock=10)
    place([(mug, 1)])
    place([(mug, 1)])

    with pytest.raises(PlanLimitReached) as refused:
        place([(mug, 1)])

    assert refused.value.code == "plan_limit_reached"
    assert "allows 2 orders this month" in refused.value.message
    assert Order.objects.count() == 2
    assert _stock(mug) == (10, 2)  # the refused order reserved nothing
    assert selectors.orders_this_month() == 2


def test_a_store_with_orders_cannot_change_its_currency(in_store_a):
    assert currency_locks.reasons_locked(in_store_a) == []
    place([(make_variant(stock=1), 1)])
    assert currency_locks.reasons_locked(in_store_a) == [
        "The store has orders: its currency is fixed."
    ]


def test_stores_number_their_orders_on_their_own_and_see_only_theirs(store_a, store_b):
    connection.set_tenant(store_a)
    a_orders = [place([(make_variant(stock=5), 1)]) for _ in range(2)]
    connection.set_tenant(store_b)
    b_order = place([(make_variant(stock=5), 1)])

    assert [o.number for o in a_orders] == [1001, 1002]
    assert b_order.number == 1001
    # Store A's order is not found at store B, by its checkout token or its number.
    assert not Order.objects.filter(checkout_token=a_orders[1].checkout_token).exists()
    assert Order.objects.count() == 1
    assert selectors.order_by_number(1002) is None
    connection.set_tenant(store_a)
    assert Order.objects.count() == 2


def test_dashboard_figures_count_today_s_orders_and_revenue(in_store_a):
    mug = make_variant(price="10.00", stock=10)
    kept = place([(mug, 1)], shipping="0")
    cancelled = place([(mug, 2)], shipping="0")
    actions.cancel_order(order=cancelled)
    assert kept.status == OrderStatus.PENDING

    figures = selectors.dashboard_figures()

    assert figures == {"today": 2, "revenue": Decimal("10.00"), "to_fulfil": 1}
    assert kept.payment_status == PaymentStatus.UNPAID


def test_ordering_the_last_units_sells_the_product_out_and_cancelling_restocks_it(in_store_a):
    from catalog.models import Product

    mug = make_variant(stock=2)
    order = place([(mug, 2)])
    assert Product.objects.get(pk=mug.product_id).in_stock is False
    actions.cancel_order(order=order)
    assert Product.objects.get(pk=mug.product_id).in_stock is True
