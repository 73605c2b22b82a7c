"""Celery tasks of the search: thin, idempotent, run in the schema of the store that sent them."""

from celery import shared_task
from elastic_transport import TransportError
from elasticsearch import ApiError

from search import services

# Elasticsearch away: try again later (PostgreSQL was already written; rewriting is harmless).
RETRY = {"autoretry_for": (TransportError, ApiError), "retry_backoff": True, "max_retries": 6}


@shared_task(**RETRY)
def index_products(product_ids: list[int]) -> int:
    """(Re)index these products of the current store in bulk."""
    services.index_products(product_ids=product_ids)
    return len(product_ids)


@shared_task(**RETRY)
def remove_products(product_ids: list[int]) -> int:
    """Remove these products of the current store from the search."""
    services.remove_products(product_ids=product_ids)
    return len(product_ids)


@shared_task(**RETRY)
def rebuild_elasticsearch_index() -> int:
    """Rebuild the current store's Elasticsearch index (after a change of its synonyms)."""
    return services.rebuild_elasticsearch_index()
