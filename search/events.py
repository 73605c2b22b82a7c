"""The search listens to the catalog: every committed product change is indexed by Celery."""

from django_tenants.utils import schema_context


def queue_indexing(sender, *, schema_name: str, product_ids: list[int], deleted: bool, **kwargs):
    """Receiver of catalog.events.products_changed: one Celery task per event, in the store's
    schema (the tenant-aware Celery app sends the current schema with the task)."""
    from search.tasks import index_products, remove_products

    task = remove_products if deleted else index_products
    with schema_context(schema_name):
        task.delay(list(product_ids))
