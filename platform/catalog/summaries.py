"""Per-product summaries of the variants (price range per channel, in stock), kept current."""

from django.db import connection


def refresh_product_summaries(product_ids: list[int]) -> None:
    """Recompute min/max prices and stock for these products, in one statement.

    Runs inside the writing transaction (called by catalog.events before the event is queued),
    so a product's summary always matches its variants once committed.
    """
    if not product_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE catalog_product p SET
                min_price = s.min_price,
                max_price = s.max_price,
                min_b2b_price = s.min_b2b_price,
                max_b2b_price = s.max_b2b_price,
                in_stock = COALESCE(s.in_stock, false),
                updated_at = now()
            FROM (
                SELECT p2.id AS product_id,
                       min(v.price) AS min_price,
                       max(v.price) AS max_price,
                       min(COALESCE(v.b2b_price, v.price)) AS min_b2b_price,
                       max(COALESCE(v.b2b_price, v.price)) AS max_b2b_price,
                       bool_or(v.stock_on_hand - v.stock_reserved > 0
                               OR v.stock_policy = 'backorder') AS in_stock
                FROM catalog_product p2
                LEFT JOIN catalog_productvariant v ON v.product_id = p2.id
                WHERE p2.id = ANY(%s)
                GROUP BY p2.id
            ) s
            WHERE p.id = s.product_id
            """,
            [list(product_ids)],
        )
