"""Catalog rules, enforced by the services whatever the caller."""

from decimal import Decimal

import pytest
from django.db import connection

from catalog import events, inventory, selectors, services
from catalog.errors import CatalogError, CategoryCycle, InsufficientStock
from catalog.models import Category, Product, ProductVariant, StockAdjustment

from .factories import attribute, product


@pytest.fixture(autouse=True)
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a


def test_category_subtree_includes_every_depth():
    clothing = services.create_category(name="Clothing")
    shirts = services.create_category(name="Shirts", parent=clothing)
    polos = services.create_category(name="Polos", parent=shirts)
    services.create_category(name="Toys")
    assert set(selectors.category_subtree("clothing").values_list("slug", flat=True)) == {
        "clothing",
        "shirts",
        "polos",
    }
    assert polos.depth == 3


def test_a_category_cannot_move_under_its_own_subtree():
    clothing = services.create_category(name="Clothing")
    shirts = services.create_category(name="Shirts", parent=clothing)
    with pytest.raises(CategoryCycle):
        services.move_category(category=clothing, parent=shirts)
    with pytest.raises(CategoryCycle):
        services.move_category(category=clothing, parent=clothing)
    toys = services.create_category(name="Toys")
    moved = services.move_category(category=shirts, parent=toys)
    assert moved.path.startswith(Category.objects.get(pk=toys.pk).path)


def test_duplicate_sku_is_refused_and_nothing_is_created():
    product(variants=[{"sku": "TEE-1", "price": Decimal("5")}])
    before = Product.objects.count()
    with pytest.raises(CatalogError) as refused:
        product(name="Second", variants=[{"sku": "TEE-1", "price": Decimal("6")}])
    assert "sku" in refused.value.fields
    assert Product.objects.count() == before


def test_attribute_values_are_checked_by_type():
    attribute("material", "choice", ["Cotton", "Wool"])
    attribute("waterproof", "boolean")
    attribute("length", "number", unit="cm")
    item = product()
    services.set_attribute_values(
        owner=item, values={"material": "cotton", "waterproof": True, "length": "72.5"}
    )
    with pytest.raises(CatalogError) as refused:
        services.set_attribute_values(
            owner=item, values={"material": "silk", "length": "long", "colour": "red"}
        )
    assert set(refused.value.fields) == {
        "attributes.material",
        "attributes.length",
        "attributes.colour",
    }
    assert "Expected a number (in cm)." in refused.value.fields["attributes.length"]


def test_product_summary_follows_its_variants():
    item = product(
        variants=[
            {"sku": "A-1", "price": Decimal("12.00"), "b2b_price": Decimal("9.00")},
            {"sku": "A-2", "price": Decimal("20.00"), "stock_on_hand": 3},
        ]
    )
    item.refresh_from_db()
    assert (item.min_price, item.max_price, item.min_b2b_price, item.in_stock) == (
        Decimal("12.00"),
        Decimal("20.00"),
        Decimal("9.00"),
        True,
    )
    services.update_variant(
        variant=ProductVariant.objects.get(sku="A-2"), data={"stock_on_hand": 0}
    )
    item.refresh_from_db()
    assert item.in_stock is False


def test_stock_cannot_go_below_zero_unless_backorders_are_allowed():
    item = product(stock=2)
    variant = item.variants.get()
    with pytest.raises(InsufficientStock):
        inventory.adjust_stock(variant_id=variant.pk, delta=-3, reason="sold")
    inventory.adjust_stock(variant_id=variant.pk, delta=-2, reason="sold", actor="clerk@a.test")
    ProductVariant.objects.filter(pk=variant.pk).update(stock_policy="backorder")
    inventory.adjust_stock(variant_id=variant.pk, delta=-1, reason="sold")
    variant.refresh_from_db()
    assert variant.stock_on_hand == -1
    history = list(
        StockAdjustment.objects.filter(variant=variant).values_list(
            "delta", "stock_after", "reason"
        )
    )
    assert history == [(-1, -1, "sold"), (-2, 0, "sold"), (2, 2, "received")]


def test_bulk_update_is_all_or_nothing():
    one = product(variants=[{"sku": "B-1", "price": Decimal("10")}])
    product(variants=[{"sku": "B-2", "price": Decimal("10")}])
    with pytest.raises(CatalogError) as refused:
        services.bulk_update_variants(
            rows=[
                {"sku": "B-1", "price": Decimal("11")},
                {"sku": "NOPE", "price": Decimal("1")},
                {"sku": "B-2", "stock_on_hand": -4},
            ]
        )
    assert set(refused.value.fields) == {"rows.1", "rows.2"}
    assert ProductVariant.objects.get(sku="B-1").price == Decimal("10")
    services.bulk_update_variants(
        rows=[{"sku": "B-1", "price": Decimal("11")}, {"sku": "B-2", "stock_on_hand": 7}]
    )
    assert ProductVariant.objects.get(sku="B-1").price == Decimal("11")
    assert ProductVariant.objects.get(sku="B-2").stock_on_hand == 7
    one.refresh_from_db()
    assert one.min_price == Decimal("11")


def test_every_change_emits_one_event_after_commit(django_capture_on_commit_callbacks, store_a):
    received = []

    def listener(sender, schema_name, product_ids, deleted, **kwargs):
        received.append((schema_name, product_ids, deleted))

    events.products_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = product(variants=[{"sku": "E-1", "price": Decimal("1")}])
            second = product(variants=[{"sku": "E-2", "price": Decimal("1")}])
        received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.bulk_update_variants(
                rows=[{"sku": "E-1", "price": Decimal("2")}, {"sku": "E-2", "price": Decimal("3")}]
            )
        assert received == [("store_a", sorted([first.pk, second.pk]), False)]
        received.clear()
        first_id = first.pk
        with django_capture_on_commit_callbacks(execute=True):
            services.delete_product(product=first)
        assert received == [("store_a", [first_id], True)]
    finally:
        events.products_changed.disconnect(listener)


def test_seed_catalog_fills_a_store_with_listable_products(store_a):
    from django.core.management import call_command

    call_command("seed_catalog", products=30, variants_per_product=3)
    assert Product.objects.count() == 30
    assert ProductVariant.objects.count() == 90
    assert Category.objects.filter(depth=2).exists()
    assert not Product.objects.filter(min_price__isnull=True).exists()
    call_command("seed_catalog", products=30, if_empty=True)
    assert Product.objects.count() == 30
