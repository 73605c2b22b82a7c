"""A per-store version of the catalog, for HTTP revalidation (ETag / Last-Modified).

Bumped after every committed catalog change; kept in the cache (its keys carry the store's
schema), so checking it costs one Redis read and no SQL.
"""

import time
import uuid

from django.core.cache import cache
from django.db import transaction

_KEY = "catalog:version"


def catalog_version() -> tuple[str, float]:
    """(version, time of the last change) of the current store's catalog."""
    value = cache.get(_KEY)
    if value is None:
        value = _new_version()
        cache.add(_KEY, value, timeout=None)
    return value


def bump_catalog_version() -> None:
    cache.set(_KEY, _new_version(), timeout=None)


def bump_after_commit(**kwargs) -> None:
    transaction.on_commit(bump_catalog_version)


def _new_version() -> tuple[str, float]:
    return uuid.uuid4().hex[:16], time.time()
