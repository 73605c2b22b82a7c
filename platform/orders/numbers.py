"""Order numbers: sequential per store from 1001, without gaps.

One row (``OrderNumberCounter`` id 1) in the store's schema is advanced by a single
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` inside the placing transaction: the row
stays locked until that transaction ends, so concurrent placements get consecutive numbers and
a placement that rolls back gives its number back. Each store has its own row (its schema), so
every store starts at 1001.
"""

from django.db import connection

FIRST_NUMBER = 1001


def next_order_number() -> int:
    """The next number of the current store (call inside the transaction creating the order)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO orders_ordernumbercounter (id, last_number) VALUES (1, %s)
            ON CONFLICT (id) DO UPDATE
                SET last_number = orders_ordernumbercounter.last_number + 1
            RETURNING last_number
            """,
            [FIRST_NUMBER],
        )
        return cursor.fetchone()[0]
