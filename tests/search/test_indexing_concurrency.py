"""Index tasks for one product run one after the other, each reading the catalog as committed
when its turn comes: a task never writes a document older than the catalog it waited for."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from catalog import services
from catalog.models import Product
from search.backends.postgres import PostgresBackend
from search.models import ProductDocument
from tenants.models import Tenant


@pytest.fixture
def committed_product(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_tenant(Tenant.objects.get(schema_name="store_a"))
        product = services.create_product(
            data={"name": "Queue Lamp", "slug": "queue-lamp", "status": "active"},
            variants=[{"sku": "QUEUE-1", "price": Decimal("10.00")}],
        )
        yield product
        connection.set_tenant(Tenant.objects.get(schema_name="store_a"))
        services.delete_product(product=Product.objects.get(pk=product.pk))
        ProductDocument.objects.filter(product_id=product.pk).delete()
        connection.set_schema_to_public()


def test_an_index_task_waits_its_turn_and_then_reads_the_newest_catalog(
    committed_product, django_db_blocker
):
    store_a = Tenant.objects.get(schema_name="store_a")
    errors: list[BaseException] = []
    with django_db_blocker.unblock():
        # Another index task of this product holds its turn (the lock index() takes first).
        holder = connections.create_connection("default")
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext('store_a:' || %s))", [committed_product.pk]
            )

        def index():
            with django_db_blocker.unblock():
                try:
                    connection.set_tenant(store_a)
                    PostgresBackend().index(product_ids=[committed_product.pk])
                except BaseException as error:  # noqa: BLE001 - reported by the test
                    errors.append(error)
                finally:
                    connection.close()

        waiting = threading.Thread(target=index)
        waiting.start()
        _wait_for_a_lock_wait()
        connection.set_tenant(store_a)
        services.update_product(product=committed_product, data={"name": "Queue Lamp II"})
        holder.commit()  # its turn is over
        waiting.join(timeout=30)
        holder.close()

        assert errors == []
        connection.set_tenant(store_a)
        assert ProductDocument.objects.get(product_id=committed_product.pk).name == "Queue Lamp II"


def _wait_for_a_lock_wait(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the index task never waited for its turn")
