"""Domain events of the catalog. Search indexing and caches subscribe to them.

``products_changed`` is sent once per committed change (a bulk update of 1,000 variants is one
event naming every product touched), after the transaction commits, with the schema of the
store it happened in. Receivers run in the sender's process: queue Celery work from them.

Work made of many service calls (an import) runs them inside ``one_event()``: the products
they touch are refreshed and announced once, at the end of the block.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.dispatch import Signal

# Arguments: schema_name (str), product_ids (list[int]), deleted (bool).
products_changed = Signal()

# Product ids changed inside one_event(), None outside it.
_collected: ContextVar[set[int] | None] = ContextVar("catalog_changed_products", default=None)


def emit_products_changed(product_ids, *, deleted: bool = False) -> None:
    """Announce, once the current transaction commits, that these products changed.

    Also refreshes the products' summaries (prices, stock, listing, attribute tokens) in the
    same transaction. Inside ``one_event()``, both wait for the end of the block.
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    collected = _collected.get()
    if collected is not None and not deleted:
        collected.update(ids)
        return
    if not deleted:
        from catalog.summaries import refresh_product_summaries

        refresh_product_summaries(ids)
    announce_after_commit(ids, deleted=deleted)


def announce_after_commit(product_ids: list[int], *, deleted: bool = False) -> None:
    """Send products_changed for these products once the current transaction commits (their
    summaries already refreshed: emit_products_changed is what services call)."""
    if not product_ids:
        return
    schema_name = connection.schema_name
    transaction.on_commit(
        lambda: products_changed.send(
            sender="catalog", schema_name=schema_name, product_ids=product_ids, deleted=deleted
        )
    )


@contextmanager
def one_event():
    """Collect the product changes made in this block into one refresh and one event.

    Use it inside the transaction of the work: the refresh runs at the end of the block, so
    what commits is consistent. A block whose transaction is already marked for rollback (a
    dry run) refreshes and announces nothing. Nested blocks join the outer one.
    """
    if _collected.get() is not None:
        yield
        return
    token = _collected.set(set())
    try:
        yield
        collected = _collected.get()
    finally:
        _collected.reset(token)
    if not (connection.in_atomic_block and transaction.get_rollback()):
        emit_products_changed(collected)
