"""The statements of an add to cart and of a cart read, written once as SQL.

Their shapes never change (one cart, one variant, the cart's lines), yet the ORM built and
compiled them afresh on every request: on an add that took longer than PostgreSQL took to run
them. Here each is a constant; its rows become model instances as the ORM makes them
(``Model.from_db``, through each field's database converters), so the services, the rules and
the selectors work on the same objects as before.

Every statement runs on Django's connection, so in the active store's schema (django-tenants
sets the ``search_path``) and inside the caller's transaction.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from cart.models import Cart, CartLine
from catalog.models import Product, ProductVariant
from config.rows import Columns


def fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params) -> list[tuple]:
    """Run a write; the rows it returns (``RETURNING``), if any."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


CART = Columns(Cart, [field.attname for field in Cart._meta.concrete_fields], "c")

# Who an open cart belongs to: a company API key, a person, or an anonymous token (never one
# a person or a key owns). Constants: the values are parameters.
OWNER_CONDITIONS = {
    "api_key": "c.api_key_id = %s",
    "user": "c.user_id = %s",
    "token": "c.token = %s AND c.user_id IS NULL AND c.api_key_id IS NULL",
}
# An owner has at most one open cart (constraints for people and keys, a unique token).
OPEN_CART_SQL = f"""
SELECT {CART.sql}
FROM cart_cart c
WHERE c.status = 'open' AND {{owner}}
ORDER BY c.id
LIMIT 1
"""  # noqa: S608 - constants only
_OPEN_BY_OWNER = {
    kind: OPEN_CART_SQL.format(owner=condition) for kind, condition in OWNER_CONDITIONS.items()
}
# The same, locked for the transaction (every change of a cart or its lines takes this lock).
_LOCK_BY_OWNER = {kind: sql + "FOR UPDATE OF c\n" for kind, sql in _OPEN_BY_OWNER.items()}


def open_cart(kind: str, value) -> Cart | None:
    """The open cart whose ``kind`` (``api_key``, ``user`` or ``token``) is ``value``, else
    None."""
    found = fetch(_OPEN_BY_OWNER[kind], [value])
    return CART.instance(found[0]) if found else None


def lock_open_cart(kind: str, value) -> Cart | None:
    """:func:`open_cart`, locked for this transaction."""
    found = fetch(_LOCK_BY_OWNER[kind], [value])
    return CART.instance(found[0]) if found else None


# What a cart shows of each line, its variant (what the rules and the price read) and its
# product.
LINE_FIELDS = (
    "id",
    "cart_id",
    "variant_id",
    "quantity",
    "unit_price_at_add",
    "sku_at_add",
    "name_at_add",
    "created_at",
)
VARIANT_FIELDS = (
    "id",
    "product_id",
    "sku",
    "name",
    "options",
    "price",
    "b2b_price",
    "compare_at_price",
    "stock_on_hand",
    "stock_reserved",
    "stock_policy",
    "quantity_min",
    "quantity_max",
    "quantity_step",
)
PRODUCT_FIELDS = ("id", "name", "slug", "status", "visible_b2c", "visible_b2b")
_LINE = Columns(CartLine, LINE_FIELDS, "l")
_VARIANT = Columns(ProductVariant, VARIANT_FIELDS, "v")
_PRODUCT = Columns(Product, PRODUCT_FIELDS, "p")
_VARIANT_AT = _LINE.width
_PRODUCT_AT = _VARIANT_AT + _VARIANT.width
_IMAGES_AT = _PRODUCT_AT + _PRODUCT.width
# Only the images of the product's listing summary, not its every variant.
_COLUMNS = f"{_LINE.sql}, {_VARIANT.sql}, {_PRODUCT.sql}, p.listing -> 'images'"

# A cart's lines with their variants and products (a deleted variant's line has neither).
_LINES = f"""
SELECT {_COLUMNS}
FROM cart_cartline l
LEFT JOIN catalog_productvariant v ON v.id = l.variant_id
LEFT JOIN catalog_product p ON p.id = v.product_id
WHERE l.cart_id = %(cart)s
"""  # noqa: S608 - constants only
# In the order they were added (the columns by position: a union's order names no table).
_IN_ORDER = f"ORDER BY {_LINE.attnames.index('created_at') + 1}, {_LINE.attnames.index('id') + 1}"
CART_LINES_SQL = _LINES + _IN_ORDER
# The same, and after them (nulls sort last) the variant being added when the cart has no
# line of it: a row without a line.
LINES_AND_VARIANT_SQL = f"""{_LINES}
UNION ALL
SELECT {_COLUMNS}
FROM catalog_productvariant v
JOIN catalog_product p ON p.id = v.product_id
LEFT JOIN cart_cartline l ON l.cart_id = %(cart)s AND l.variant_id = v.id
WHERE v.id = %(variant)s AND l.id IS NULL
{_IN_ORDER}"""  # noqa: S608 - constants only


def cart_lines(cart_pk: int) -> list[CartLine]:
    """The cart's lines, each with its ``variant`` and the variant's ``product`` (None for
    a deleted variant); the product's ``listing_images`` are its listing summary's."""
    return [_line(row) for row in fetch(CART_LINES_SQL, {"cart": cart_pk})]


def lines_and_variant(cart_pk: int, variant_pk: int) -> tuple[list[CartLine], object]:
    """``(the cart's lines as cart_lines reads them, the variant with its product)`` in one
    statement; the variant is None when unknown."""
    found = fetch(LINES_AND_VARIANT_SQL, {"cart": cart_pk, "variant": variant_pk})
    variant = None
    if found and found[-1][0] is None:  # the variant, not in the cart
        variant = _variant(found.pop())
    lines = [_line(row) for row in found]
    if variant is None:
        variant = next((line.variant for line in lines if line.variant_id == variant_pk), None)
    return lines, variant


def _line(row) -> CartLine:
    line = _LINE.instance(row)
    line.variant = _variant(row)
    return line


def _variant(row):
    variant = _VARIANT.instance(row, _VARIANT_AT)
    if variant is not None:
        variant.product = _PRODUCT.instance(row, _PRODUCT_AT)
        variant.product.listing_images = _LISTING.from_db_value(row[_IMAGES_AT], None, connection)
    return variant


_LISTING = Product._meta.get_field("listing")


# --- Writes ----------------------------------------------------------------------------------

# A new line's columns; a changed line's (the quantity, and the price the shopper now saw).
_NEW_LINE = (*(name for name in LINE_FIELDS if name != "id"), "updated_at")
_CHANGED_LINE = ("quantity", "unit_price_at_add", "updated_at")


def save_line(line: CartLine) -> None:
    """Insert ``line`` when new, else write its quantity, price and change time."""
    sql, params = _line_statement(line)
    line.pk = execute(sql, params)[0][0]
    line._state.adding = False


def update_cart(cart: Cart, fields, *, line: CartLine | None = None) -> None:
    """Write ``fields`` of ``cart`` and, in the same statement, ``line`` (as
    :func:`save_line`): one round trip for an add or a change of quantity."""
    assignments, params = _assignments(cart, fields)
    sql = f"UPDATE cart_cart SET {assignments} WHERE id = %s"  # noqa: S608 - column names
    params.append(cart.pk)
    if line is None:
        execute(sql, params)
        return
    line_sql, line_params = _line_statement(line)
    line.pk = execute(
        f"WITH line AS ({line_sql}) {sql} RETURNING (SELECT id FROM line)",  # noqa: S608
        line_params + params,
    )[0][0]
    line._state.adding = False


def _line_statement(line: CartLine) -> tuple[str, list]:
    now = timezone.now()
    line.updated_at = now
    if line._state.adding:
        line.created_at = now
        fields = [CartLine._meta.get_field(name) for name in _NEW_LINE]
        columns = ", ".join(f'"{field.column}"' for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO cart_cartline ({columns}) VALUES ({placeholders}) RETURNING id"  # noqa: S608
        return sql, [_prepared(line, field) for field in fields]
    assignments, params = _assignments(line, _CHANGED_LINE)
    sql = f"UPDATE cart_cartline SET {assignments} WHERE id = %s RETURNING id"  # noqa: S608
    return sql, [*params, line.pk]


def _assignments(instance: Model, names) -> tuple[str, list]:
    fields = [instance._meta.get_field(name) for name in names]
    sql = ", ".join(f'"{field.column}" = %s' for field in fields)
    return sql, [_prepared(instance, field) for field in fields]


def _prepared(instance: Model, field) -> object:
    # As the ORM sends a value (a list to JSON, a Decimal to its column's digits...).
    return field.get_db_prep_save(getattr(instance, field.attname), connection)
