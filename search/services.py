"""Writes of the search: keep the store's search documents in step with its catalog.

The PostgreSQL documents are always kept (they are what search falls back to when
Elasticsearch is away); when Elasticsearch is the configured backend it is fed as well.
Everything runs in the current store's schema.
"""

from django.conf import settings

from search.backends import get_backend
from search.backends.postgres import PostgresBackend


def _backends() -> list:
    backends = [PostgresBackend()]
    if settings.SEARCH_BACKEND != "postgres":
        backends.append(get_backend())
    return backends


def index_products(*, product_ids: list[int]) -> None:
    """(Re)index these products in bulk (one write per backend); inactive ones are removed.

    Idempotent: indexing the same products twice leaves the same documents.
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    for backend in _backends():
        backend.index(product_ids=ids)


def remove_products(*, product_ids: list[int]) -> None:
    """Remove these products from every backend (idempotent: missing ones are ignored)."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    for backend in _backends():
        backend.remove(product_ids=ids)


def reindex_store() -> dict[str, int]:
    """Rebuild the store's search from its catalog in every backend, without downtime
    (PostgreSQL: one transaction; Elasticsearch: a new index, then an alias swap).

    Returns the number of documents per backend.
    """
    return {backend.name: backend.reindex() for backend in _backends()}
