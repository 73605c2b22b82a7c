"""Domain events of the catalog. Search indexing and caches subscribe to them.

``products_changed`` is sent once per committed change (a bulk update of 1,000 variants is one
event naming every product touched), after the transaction commits, with the schema of the
store it happened in. Receivers run in the sender's process: queue Celery work from them.
"""

from django.db import connection, transaction
from django.dispatch import Signal

# Arguments: schema_name (str), product_ids (list[int]), deleted (bool).
products_changed = Signal()


def emit_products_changed(product_ids, *, deleted: bool = False) -> None:
    """Announce, once the current transaction commits, that these products changed.

    Also refreshes the products' variant summaries (prices, stock) in the same transaction.
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    if not deleted:
        from catalog.summaries import refresh_product_summaries

        refresh_product_summaries(ids)
    schema_name = connection.schema_name
    transaction.on_commit(
        lambda: products_changed.send(
            sender="catalog", schema_name=schema_name, product_ids=ids, deleted=deleted
        )
    )
