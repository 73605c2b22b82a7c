"""Celery tasks of the search: thin, idempotent, run in the schema of the store that sent them."""

from celery import shared_task

from search import services


@shared_task
def index_products(product_ids: list[int]) -> int:
    """(Re)index these products of the current store in bulk."""
    services.index_products(product_ids=product_ids)
    return len(product_ids)


@shared_task
def remove_products(product_ids: list[int]) -> int:
    """Remove these products of the current store from the search."""
    services.remove_products(product_ids=product_ids)
    return len(product_ids)
