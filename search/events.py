"""The search listens to the catalog: every committed product change is indexed by Celery.

It also says when what it finds has changed: ``search_documents_changed`` is sent (in the
store's schema) once a change of its documents is committed, so that whoever keeps search
results (the storefront's page cache) drops them. The catalog's own version is bumped when the
catalog commits, before the documents are rewritten by the indexing task: a page rendered in
between holds the old results and would otherwise be kept until the next catalog change.
"""

from django.db import connection, transaction
from django.dispatch import Signal
from django_tenants.utils import schema_context

# Sent with ``schema_name`` after the documents of these ``product_ids`` are committed.
search_documents_changed = Signal()


def announce_documents_changed(product_ids: list[int] | None = None) -> None:
    """Send ``search_documents_changed`` once the current transaction commits (at once
    outside one)."""
    schema_name = connection.schema_name
    ids = list(product_ids) if product_ids is not None else None

    def send():
        with schema_context(schema_name):
            search_documents_changed.send(
                sender=announce_documents_changed, schema_name=schema_name, product_ids=ids
            )

    transaction.on_commit(send)


def queue_indexing(sender, *, schema_name: str, product_ids: list[int], deleted: bool, **kwargs):
    """Receiver of catalog.events.products_changed: one Celery task per event, in the store's
    schema (the tenant-aware Celery app sends the current schema with the task)."""
    from search.tasks import index_products, remove_products

    task = remove_products if deleted else index_products
    with schema_context(schema_name):
        task.delay(list(product_ids))
