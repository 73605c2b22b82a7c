"""Two transactions changing sibling variants of one product at once: the summary the
storefront reads must hold both changes, whichever commits first."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from catalog import services
from catalog.models import Product, ProductVariant
from tenants.models import Tenant


@pytest.fixture
def committed_product(django_db_setup, django_db_blocker, celery_eager):
    """A product of store A with variants A (10.00) and B (20.00), committed (the two
    transactions of the test must see it); deleted afterwards. Tasks sent after commit
    (search indexing) run at once rather than wait in the broker."""
    with django_db_blocker.unblock():
        connection.set_tenant(Tenant.objects.get(schema_name="store_a"))
        product = services.create_product(
            data={"name": "Race Lamp", "slug": "race-lamp", "status": "active"},
            variants=[
                {"sku": "RACE-A", "price": Decimal("10.00")},
                {"sku": "RACE-B", "price": Decimal("20.00")},
            ],
        )
        yield product
        connection.set_tenant(Tenant.objects.get(schema_name="store_a"))
        services.delete_product(product=Product.objects.get(pk=product.pk))
        connection.set_schema_to_public()


def test_concurrent_changes_to_sibling_variants_both_reach_the_summary(
    committed_product, django_db_blocker
):
    first_refreshed = threading.Event()
    errors: list[BaseException] = []

    def in_store_a(work):
        def run():
            with django_db_blocker.unblock():
                try:
                    connection.set_tenant(Tenant.objects.get(schema_name="store_a"))
                    work()
                except BaseException as error:  # noqa: BLE001 - reported by the test
                    errors.append(error)
                finally:
                    connection.close()

        return threading.Thread(target=run)

    def first():
        with transaction.atomic():
            variant = ProductVariant.objects.get(sku="RACE-A")
            services.update_variant(variant=variant, data={"price": Decimal("5.00")})
            first_refreshed.set()
            _wait_until_another_session_waits_for_a_lock()

    def second():
        first_refreshed.wait(timeout=10)
        variant = ProductVariant.objects.get(sku="RACE-B")
        services.update_variant(variant=variant, data={"price": Decimal("30.00")})

    threads = [in_store_a(first), in_store_a(second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []

    with django_db_blocker.unblock():
        connection.set_tenant(Tenant.objects.get(schema_name="store_a"))
        product = Product.objects.get(pk=committed_product.pk)
        assert (product.min_price, product.max_price) == (Decimal("5.00"), Decimal("30.00"))
        prices = [variant["price"] for variant in product.listing["variants"]]
        assert prices == ["5.00", "30.00"]


def _wait_until_another_session_waits_for_a_lock(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second transaction never waited for the first")
