"""Indexing follows the catalog: after commit, in Celery, in the store that changed, in bulk."""

from decimal import Decimal

import pytest
from celery.signals import task_prerun
from django.db import connection

from catalog import services as catalog
from catalog.models import ProductVariant
from search import selectors
from search.models import ProductDocument
from tests.catalog.factories import product


@pytest.fixture(autouse=True)
def _postgres_backend(settings):
    settings.SEARCH_BACKEND = "postgres"


def names(text: str) -> list[str]:
    return [h.name for h in selectors.search_products(text=text, channel="b2c", filters={}).hits]


def test_a_created_product_is_searchable_once_committed(
    store_a, celery_eager, django_capture_on_commit_callbacks
):
    connection.set_tenant(store_a)
    with django_capture_on_commit_callbacks(execute=True):
        product("Espresso Machine", brand_name="Brewster")
    assert names("espresso") == ["Espresso Machine"]
    assert ProductDocument.objects.get(name="Espresso Machine").brand_name == "Brewster"


def test_nothing_is_indexed_before_commit(
    store_a, celery_eager, django_capture_on_commit_callbacks
):
    connection.set_tenant(store_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        product("Uncommitted Grinder")
    assert names("grinder") == []
    assert callbacks  # the event waits for the commit


def test_changes_and_deletion_follow_the_catalog(
    store_a, celery_eager, django_capture_on_commit_callbacks
):
    connection.set_tenant(store_a)
    with django_capture_on_commit_callbacks(execute=True):
        kettle = product("Steel Kettle")
    with django_capture_on_commit_callbacks(execute=True):
        catalog.update_product(product=kettle, data={"name": "Copper Kettle"})
    assert names("kettle") == ["Copper Kettle"]
    with django_capture_on_commit_callbacks(execute=True):
        catalog.delete_product(product=kettle)
    assert names("kettle") == []
    assert not ProductDocument.objects.filter(product_id=kettle.pk).exists()


@pytest.fixture
def tasks_run():
    """The (name, args) of every Celery task run, as Celery's own signal reports them."""
    ran = []

    def record(sender, args, **kwargs):
        ran.append((sender.name, list(args)))

    task_prerun.connect(record, weak=False)
    yield ran
    task_prerun.disconnect(record)


def test_a_bulk_update_is_one_indexing_task(
    store_a, celery_eager, django_capture_on_commit_callbacks, tasks_run
):
    connection.set_tenant(store_a)
    with django_capture_on_commit_callbacks(execute=True):
        made = [product(f"Bulk Item {n}", price="10") for n in range(5)]
    rows = [
        {"sku": variant.sku, "price": "15.00"}
        for variant in ProductVariant.objects.filter(product__in=made)
    ]
    tasks_run.clear()
    with django_capture_on_commit_callbacks(execute=True):
        catalog.bulk_update_variants(rows=rows)
    sent = [args[0] for name, args in tasks_run if name.startswith("search.")]
    assert sent == [sorted(p.pk for p in made)]
    prices = set(ProductDocument.objects.filter(product_id__in=sent[0]).values_list("min_price"))
    assert prices == {(Decimal("15.00"),)}


def test_the_task_runs_in_the_schema_of_the_store_that_changed(
    store_a, store_b, celery_eager, django_capture_on_commit_callbacks
):
    connection.set_tenant(store_b)
    with django_capture_on_commit_callbacks(execute=True):
        product("Store B Lantern")
    connection.set_tenant(store_a)
    assert names("lantern") == []
    connection.set_tenant(store_b)
    assert names("lantern") == ["Store B Lantern"]


@pytest.fixture
def indexed(corpus, celery_eager, django_capture_on_commit_callbacks):
    """The corpus, with every change after it committed at once (its tasks run in-process)."""

    def commit(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return commit


def test_renaming_a_brand_reaches_the_documents_of_its_products(corpus, indexed):
    from catalog.models import Brand

    lumen = Brand.objects.get(slug="lumen")
    lumen.name = "Lumière"
    indexed(lumen.save)
    assert names("lumière") == ["Brass Desk Lamp", "Floor Lamp"]
    assert set(
        ProductDocument.objects.filter(brand_id=lumen.pk).values_list("brand_name", flat=True)
    ) == {"Lumière"}

    indexed(lumen.delete)
    assert names("lumière") == []
    assert ProductDocument.objects.get(product_id=corpus["lamp"].pk).brand_name == ""


def test_renaming_a_parent_category_reaches_products_of_its_subcategories(corpus, indexed):
    from catalog.models import Category

    home = Category.objects.get(slug="home")
    home.name = "Interior"
    indexed(home.save)
    assert set(names("interior")) == {"Brass Desk Lamp", "Floor Lamp", "Steel Kettle"}


def test_renaming_an_option_keeps_attribute_filters_and_labels_right(corpus, indexed):
    from catalog.models import AttributeOption

    black = AttributeOption.objects.get(attribute__code="colour", slug="black")
    black.slug, black.value = "jet", "Jet"
    indexed(black.save)
    result = selectors.search_products(text="", channel="b2c", filters={"attr.colour": "jet"})
    assert sorted(hit.name for hit in result.hits) == ["Apple iPhone 15", "Brass Desk Lamp"]
    assert set(names("jet")) == {"Apple iPhone 15", "Brass Desk Lamp"}  # the label is text too
