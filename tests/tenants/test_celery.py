"""A Celery task sent from a store runs in that store's schema, through a real Redis broker."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from wagtail.models import Site

from config.celery import app


@app.task(name="tests.report_store")
def report_store() -> dict:
    """Says which schema the task ran in and which store's data it sees there."""
    return {
        "schema": connection.schema_name,
        "site_name": Site.objects.get(is_default_site=True).site_name,
    }


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker):
    # A real worker thread consuming from the configured Redis broker; it opens its own
    # database connection, so it sees committed data only (the stores are committed).
    with django_db_blocker.unblock(), start_worker(app, perform_ping_check=False, pool="solo"):
        yield


@pytest.mark.celery_worker
def test_task_sent_from_store_a_runs_in_store_a_schema(celery_worker, django_db_blocker):
    with django_db_blocker.unblock():
        from tenants.models import Tenant

        store_a = Tenant.objects.get(schema_name="store_a")
        store_b = Tenant.objects.get(schema_name="store_b")

        connection.set_tenant(store_a)
        from_a = report_store.delay().get(timeout=30)
        connection.set_tenant(store_b)
        from_b = report_store.delay().get(timeout=30)
        connection.set_schema_to_public()

    assert from_a == {"schema": "store_a", "site_name": "Store A"}
    assert from_b == {"schema": "store_b", "site_name": "Store B"}
