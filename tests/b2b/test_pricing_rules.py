"""The B2B pricing rules and their one precedence (pricing's module docstring), rule by rule:
what a company's buyer pays through price lists, volume breaks and quantity rules."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Company
from b2b.models import PriceList, PriceListEntry, VolumeBreak
from b2b.pricing import services
from pricing import (
    Buyer,
    Channel,
    QuantityRule,
    price_for,
    price_scope,
    prices_for,
    quantity_rule_for,
)
from tests.b2b.pricing_scene import make_scene

D = Decimal


@pytest.fixture(scope="module")
def scene(module_db):
    from tenants.models import Tenant

    connection.set_tenant(Tenant.objects.get(schema_name="store_a"))
    return make_scene()


@pytest.fixture(autouse=True)
def in_store_a(scene, db):
    from tenants.models import Tenant

    connection.set_tenant(Tenant.objects.get(schema_name="store_a"))


def price_list(scene, *entries, companies=None, groups=(), **fields) -> PriceList:
    """A list assigned to Acme (unless told), with ``(target, thing, kind, value)`` entries."""
    created = services.create_price_list(
        name=fields.pop("name", "List"),
        company_ids=[scene.acme.pk] if companies is None else companies,
        group_ids=list(groups),
        **fields,
    )
    for target, thing, kind, value, *quantities in entries:
        services.add_entry(
            price_list=created,
            target=target,
            target_id=thing.pk,
            kind=kind,
            value=value,
            min_quantity=quantities[0] if quantities else None,
            order_multiple=quantities[1] if len(quantities) > 1 else None,
        )
    return created


def paid(variant, buyer, quantity=1) -> Decimal:
    return price_for(variant, buyer, quantity=quantity).amount


def test_consumers_and_anonymous_visitors_pay_the_price_without_a_query(scene):
    price_list(scene, ("variant", scene.drill, "fixed", "10.00"))
    with CaptureQueriesContext(connection) as queries:
        assert paid(scene.drill, Buyer.anonymous()) == D("100.00")
        assert paid(scene.drill, Buyer(channel=Channel.B2C, user=scene.acme_buyer)) == D("100.00")
        assert paid(scene.drill, Channel.B2C) == D("100.00")
    assert len(queries) == 0


def test_without_a_list_a_business_pays_the_b2b_price(scene):
    assert paid(scene.drill, scene.buyer()) == D("90.00")
    assert paid(scene.drill_big, scene.buyer()) == D("150.00")  # no B2B price: the B2C one


def test_the_most_specific_target_wins_variant_product_category_brand(scene):
    bosch = scene.drill.product.brand
    price_list(
        scene,
        ("brand", bosch, "percent_off", "50"),
        ("category", scene.tools, "fixed", "60.00"),
        ("product", scene.drill.product, "fixed", "80.00"),
        ("variant", scene.drill, "fixed", "85.00"),
    )
    buyer = scene.buyer()
    # The variant entry wins over the cheaper product, category and brand entries.
    assert paid(scene.drill, buyer) == D("85.00")
    # The drill's other variant: its product's entry.
    assert paid(scene.drill_big, buyer) == D("80.00")
    # The saw (in Tools, by Bosch): the category wins over the brand's cheaper 50% off.
    assert paid(scene.saw, buyer) == D("50.00")  # 60.00 fixed, but never above the base
    # A category entry covers the subcategories: a product in Drills only, priced by Tools.
    PriceListEntry.objects.filter(product__isnull=False).delete()
    PriceListEntry.objects.filter(variant__isnull=False).delete()
    assert paid(scene.drill_big, scene.buyer()) == D("60.00")


def test_among_equally_specific_entries_the_lowest_price_wins(scene):
    price_list(scene, ("variant", scene.drill, "fixed", "70.00"), name="Acme's own")
    price_list(
        scene,
        ("variant", scene.drill, "percent_off", "25"),  # 90.00 - 25% = 67.50
        companies=[],
        groups=[scene.group.pk],
        name="Resellers",
    )
    assert paid(scene.drill, scene.buyer()) == D("67.50")
    # Two categories of one product (Tools, and Drills below it): the lowest of both.
    price_list(
        scene,
        ("category", scene.tools, "fixed", "120.00"),
        ("category", scene.drills, "fixed", "110.00"),
        name="Categories",
    )
    assert paid(scene.drill_big, scene.buyer()) == D("110.00")


def test_a_percentage_is_taken_off_the_b2b_price_and_rounded_to_the_currency(scene):
    price_list(scene, ("variant", scene.drill, "percent_off", "33.33"))
    # 90.00 * (1 - 0.3333) = 60.003 -> 60.00
    assert paid(scene.drill, scene.buyer()) == D("60.00")


def test_a_price_list_never_raises_a_price_and_shows_the_consumer_price_struck_through(scene):
    price_list(scene, ("variant", scene.drill, "fixed", "95.00"))
    price = price_for(scene.drill, scene.buyer())
    assert (price.amount, price.compare_at) == (D("90.00"), D("100.00"))
    price_list(scene, ("variant", scene.hammer, "fixed", "15.00"), name="Hammers")
    price = price_for(scene.hammer, scene.buyer())
    assert (price.amount, price.compare_at, price.is_discounted) == (D("15.00"), D("20.00"), True)


def test_only_active_lists_within_their_dates_apply(scene):
    now = timezone.now()
    entry = ("variant", scene.hammer, "fixed", "10.00")
    price_list(scene, entry, active=False, name="Off")
    price_list(scene, entry, valid_from=now + timedelta(days=1), name="Future")
    price_list(scene, entry, valid_from=now - timedelta(days=9), valid_until=now, name="Expired")
    assert paid(scene.hammer, scene.buyer()) == D("20.00")
    price_list(
        scene,
        ("variant", scene.hammer, "fixed", "12.00"),
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=1),
        name="Current",
    )
    assert paid(scene.hammer, scene.buyer()) == D("12.00")


def test_another_company_a_pending_company_and_consumers_never_get_a_companys_list(scene):
    price_list(scene, ("variant", scene.hammer, "fixed", "5.00"))
    assert paid(scene.hammer, scene.buyer()) == D("5.00")
    assert paid(scene.hammer, scene.buyer(scene.globex)) == D("20.00")
    assert paid(scene.hammer, Buyer(channel=Channel.B2B)) == D("20.00")  # the store's own key
    assert paid(scene.hammer, Buyer(channel=Channel.B2C, user=scene.acme_buyer)) == D("20.00")
    Company.objects.filter(pk=scene.acme.pk).update(status=Company.Status.PENDING)
    pending = Company.objects.get(pk=scene.acme.pk)
    assert paid(scene.hammer, Buyer(channel=Channel.B2B, company=pending)) == D("20.00")


def test_a_group_list_applies_to_the_groups_companies_only(scene):
    price_list(
        scene, ("variant", scene.saw, "fixed", "40.00"), companies=[], groups=[scene.group.pk]
    )
    assert paid(scene.saw, scene.buyer()) == D("40.00")
    assert paid(scene.saw, scene.buyer(scene.globex)) == D("50.00")
    services.update_customer_group(group=scene.group, company_ids=[scene.globex.pk])
    assert paid(scene.saw, scene.buyer()) == D("50.00")
    assert paid(scene.saw, scene.buyer(scene.globex)) == D("40.00")


def test_volume_breaks_apply_on_top_for_the_quantity_of_a_line(scene):
    listed = price_list(scene, ("variant", scene.drill, "fixed", "80.00"))
    services.add_volume_break(variant=scene.drill, min_quantity=10, unit_price="85.00")
    services.add_volume_break(variant=scene.drill, min_quantity=50, unit_price="70.00")
    services.add_volume_break(
        variant=scene.drill, min_quantity=20, unit_price="75.00", price_list=listed
    )
    acme, globex = scene.buyer(), scene.buyer(scene.globex)
    assert [paid(scene.drill, acme, q) for q in (1, 10, 19, 20, 50)] == [
        D("80.00"),
        D("80.00"),  # the break (85.00) is above the list price: the list price stays
        D("80.00"),
        D("75.00"),  # the list's own break
        D("70.00"),
    ]
    # Breaks of no list are every business's; those of Acme's list are Acme's alone.
    assert [paid(scene.drill, globex, q) for q in (1, 10, 20, 50)] == [
        D("90.00"),
        D("85.00"),
        D("85.00"),
        D("70.00"),
    ]
    # Consumers never get volume pricing.
    assert paid(scene.drill, Buyer.anonymous(), 50) == D("100.00")


def test_quantity_rules_combine_the_variants_own_with_the_winning_entry(scene):
    from catalog.models import ProductVariant

    ProductVariant.objects.filter(pk=scene.saw.pk).update(quantity_min=2, quantity_step=2)
    saw = ProductVariant.objects.get(pk=scene.saw.pk)
    assert quantity_rule_for(saw, scene.buyer()) == QuantityRule(2, 2, None)
    price_list(scene, ("variant", saw, "fixed", "40.00", 5, 3))
    # At least 5, in multiples of 3: from 6, in steps of lcm(2, 3) = 6.
    assert quantity_rule_for(saw, scene.buyer()) == QuantityRule(6, 6, None)
    assert quantity_rule_for(saw, scene.buyer(scene.globex)) == QuantityRule(2, 2, None)
    assert quantity_rule_for(saw, Buyer.anonymous()) == QuantityRule(2, 2, None)
    assert QuantityRule(6, 6).errors(5) == ["At least 6 must be bought."]
    assert QuantityRule(6, 6).errors(8) == ["Sold in steps of 6 from 6 (6, 12, 18…)."]
    assert QuantityRule(6, 6).errors(12) == []


def test_prices_for_prices_many_variants_in_a_constant_number_of_queries(scene):
    price_list(
        scene,
        ("brand", scene.drill.product.brand, "percent_off", "10"),
        ("category", scene.tools, "percent_off", "20"),
        ("variant", scene.hammer, "fixed", "15.00"),
    )
    services.add_volume_break(variant=scene.saw, min_quantity=5, unit_price="30.00")

    def count(variants):
        buyer = scene.buyer()  # a fresh buyer: its lists are loaded again
        with CaptureQueriesContext(connection) as queries:
            prices = prices_for(variants, buyer, quantity=5)
        return len(queries), prices

    few, prices = count([scene.hammer])
    assert prices[scene.hammer.pk].amount == D("15.00")
    many, prices = count([scene.drill, scene.drill_big, scene.saw, scene.hammer])
    assert few == many == 3  # the lists, the entries, the volume breaks
    assert {pk: price.amount for pk, price in prices.items()} == {
        scene.drill.pk: D("72.00"),
        scene.drill_big.pk: D("120.00"),
        scene.saw.pk: D("30.00"),
        scene.hammer.pk: D("15.00"),
    }


def test_the_price_scope_names_the_lists_so_cached_answers_are_never_shared(scene):
    assert price_scope(Buyer.anonymous()) == "b2c"
    assert price_scope(scene.buyer()) == "b2b"
    listed = price_list(scene, ("variant", scene.hammer, "fixed", "15.00"))
    assert price_scope(scene.buyer()) == f"b2b:{listed.pk}"
    assert price_scope(scene.buyer(scene.globex)) == "b2b"


@pytest.mark.parametrize(
    "fields",
    [
        {"variant_id": None},  # no target
        {"product_id": "product"},  # two targets
        {"value": D("100.01")},  # a percentage above 100
        {"value": D("-1")},
        {"min_quantity": 0},
    ],
    ids=["no-target", "two-targets", "percent-above-100", "negative", "zero-quantity"],
)
def test_the_database_refuses_an_entry_that_cannot_be_priced(scene, fields):
    listed = price_list(scene)
    row = {
        "price_list": listed,
        "variant_id": scene.drill.pk,
        "kind": "percent_off",
        "value": D("10"),
    }
    if fields.get("product_id") == "product":
        fields = {"product_id": scene.drill.product_id}
    row.update(fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceListEntry.objects.create(**row)


def test_the_database_refuses_a_volume_break_below_two_units_or_twice_the_same_tier(scene):
    with pytest.raises(IntegrityError), transaction.atomic():
        VolumeBreak.objects.create(variant=scene.drill, min_quantity=1, unit_price=D("1"))
    VolumeBreak.objects.create(variant=scene.drill, min_quantity=5, unit_price=D("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        VolumeBreak.objects.create(variant=scene.drill, min_quantity=5, unit_price=D("2"))


def test_a_store_never_sees_another_stores_lists(scene, store_b):
    price_list(scene, ("variant", scene.hammer, "fixed", "15.00"))
    connection.set_tenant(store_b)
    other = Company.objects.create(name="B's company")
    Company.objects.filter(pk=other.pk)
    assert PriceList.objects.count() == 0
    from pricing import price_list_ids

    assert price_list_ids(Buyer(channel=Channel.B2B, company=other), currency="USD") == ()


def test_the_demo_price_list_is_added_once_for_the_stores_companies(scene):
    from b2b.pricing.demo import set_up_demo_price_list

    assert set_up_demo_price_list() is True
    assert set_up_demo_price_list() is False
    demo = PriceList.objects.get(name="Demo wholesale")
    assert demo.entries.count() >= 1
    assert price_scope(scene.buyer()) == f"b2b:{demo.pk}"
