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

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model
from django.utils import timezone

from cart.models import Cart, CartLine
from catalog.models import Product, ProductVariant


class Columns:
    """Some concrete fields of a model read under a table alias: their SQL, and the instance
    a row's slice of them makes (deferred fields load on access, as with ``.only()``)."""

    def __init__(self, model: type[Model], names, alias: str):
        wanted = set(names)
        self.model = model
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if field.name in wanted or field.attname in wanted
        ]
        missing = wanted - {f.name for f in self.fields} - {f.attname for f in self.fields}
        if missing:
            raise ValueError(f"{model.__name__} has no column {sorted(missing)}")
        self.attnames = [field.attname for field in self.fields]
        self.sql = ", ".join(f'{alias}."{field.column}"' for field in self.fields)
        self.width = len(self.fields)
        self._pk_index = self.attnames.index(model._meta.pk.attname)
        self._converters = None

    def converters(self):
        # What the ORM's compiler applies to each column (JSON text to Python, ...), worked
        # out once the connection exists.
        if self._converters is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(field.model._meta.db_table)
                backend = connection.ops.get_db_converters(column)
                for convert in backend + column.get_db_converters(connection):
                    found.append((index, convert, column))
            self._converters = found
        return self._converters

    def instance(self, row, start: int = 0):
        """The instance of ``row[start:start + width]`` (None when its primary key is null:
        the missing side of an outer join)."""
        values = list(row[start : start + self.width])
        if values[self._pk_index] is None:
            return None
        for index, convert, column in self.converters():
            values[index] = convert(values[index], column, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


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
# The same cart locked, with its numbers of lines and of lines whose variant was deleted, in
# one round trip (what an add checks).
LOCK_OPEN_CART_SQL = f"""
SELECT {CART.sql},
       (SELECT count(*) FROM cart_cartline l WHERE l.cart_id = c.id),
       (SELECT count(*) FROM cart_cartline l WHERE l.cart_id = c.id AND l.variant_id IS NULL)
FROM cart_cart c
WHERE c.status = 'open' AND {{owner}}
ORDER BY c.id
LIMIT 1
FOR UPDATE OF c
"""  # noqa: S608 - constants only
_OPEN_BY_OWNER = {
    kind: OPEN_CART_SQL.format(owner=condition) for kind, condition in OWNER_CONDITIONS.items()
}
_LOCK_BY_OWNER = {
    kind: LOCK_OPEN_CART_SQL.format(owner=condition) for kind, condition in OWNER_CONDITIONS.items()
}


def open_cart(kind: str, value) -> Cart | None:
    """The open cart whose ``kind`` (``api_key``, ``user`` or ``token``) is ``value``, else
    None."""
    found = fetch(_OPEN_BY_OWNER[kind], [value])
    return CART.instance(found[0]) if found else None


def lock_open_cart(kind: str, value) -> Cart | None:
    """:func:`open_cart`, locked for this transaction, with ``line_count`` and
    ``orphan_count``."""
    found = fetch(_LOCK_BY_OWNER[kind], [value])
    if not found:
        return None
    cart = CART.instance(found[0])
    cart.line_count, cart.orphan_count = found[0][CART.width :]
    return cart


# What the rules, the price and a new line read of a variant and its product.
VARIANT_FIELDS = (
    "id",
    "product_id",
    "sku",
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
PRODUCT_FIELDS = ("id", "name", "status", "visible_b2c", "visible_b2b")
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
_ADD_VARIANT = Columns(ProductVariant, VARIANT_FIELDS, "v")
_ADD_PRODUCT = Columns(Product, PRODUCT_FIELDS, "p")
_ADD_LINE = Columns(CartLine, LINE_FIELDS, "l")

# A variant with its product and the cart's line of it (a cart has one line per variant).
VARIANT_AND_LINE_SQL = f"""
SELECT {_ADD_VARIANT.sql}, {_ADD_PRODUCT.sql}, {_ADD_LINE.sql}
FROM catalog_productvariant v
JOIN catalog_product p ON p.id = v.product_id
LEFT JOIN cart_cartline l ON l.cart_id = %(cart)s AND l.variant_id = v.id
WHERE v.id = %(variant)s
"""  # noqa: S608 - constants only


def variant_and_line(cart: Cart, variant_pk: int):
    """``(variant with its product, the cart's line of it or None)``; ``(None, None)`` for
    an unknown variant."""
    rows = fetch(VARIANT_AND_LINE_SQL, {"cart": cart.pk, "variant": variant_pk})
    if not rows:
        return None, None
    row = rows[0]
    variant = _ADD_VARIANT.instance(row)
    variant.product = _ADD_PRODUCT.instance(row, _ADD_VARIANT.width)
    line = _ADD_LINE.instance(row, _ADD_VARIANT.width + _ADD_PRODUCT.width)
    if line is not None:
        line.cart = cart
        line.variant = variant
    return variant, line


# What a cart read shows of each line, its variant and its product.
READ_VARIANT_FIELDS = (*VARIANT_FIELDS, "name", "options")
READ_PRODUCT_FIELDS = (*PRODUCT_FIELDS, "slug")
_READ_LINE = Columns(CartLine, LINE_FIELDS, "l")
_READ_VARIANT = Columns(ProductVariant, READ_VARIANT_FIELDS, "v")
_READ_PRODUCT = Columns(Product, READ_PRODUCT_FIELDS, "p")

# A cart's lines in the order they were added, with their variants and products (a deleted
# variant's line has neither) and the images of the product's listing summary only.
CART_LINES_SQL = f"""
SELECT {_READ_LINE.sql}, {_READ_VARIANT.sql}, {_READ_PRODUCT.sql}, p.listing -> 'images'
FROM cart_cartline l
LEFT JOIN catalog_productvariant v ON v.id = l.variant_id
LEFT JOIN catalog_product p ON p.id = v.product_id
WHERE l.cart_id = %s
ORDER BY l.created_at, l.id
"""  # noqa: S608 - constants only


def cart_lines(cart_pk: int) -> list[CartLine]:
    """The cart's lines, each with ``variant`` (and its ``product``) or None, and
    ``product_images`` (the listing summary's images, None when it has none)."""
    lines = []
    images_at = _READ_LINE.width + _READ_VARIANT.width + _READ_PRODUCT.width
    for row in fetch(CART_LINES_SQL, [cart_pk]):
        line = _READ_LINE.instance(row)
        variant = _READ_VARIANT.instance(row, _READ_LINE.width)
        if variant is not None:
            variant.product = _READ_PRODUCT.instance(row, _READ_LINE.width + _READ_VARIANT.width)
        line.variant = variant
        images = row[images_at]
        line.product_images = _IMAGES.from_db_value(images, None, connection)
        lines.append(line)
    return lines


_IMAGES = Product._meta.get_field("listing")


# --- Writes ----------------------------------------------------------------------------------

# A new line's columns; a changed line's (the quantity, and the price the shopper now saw).
_NEW_LINE = (
    "cart_id",
    "variant_id",
    "quantity",
    "unit_price_at_add",
    "sku_at_add",
    "name_at_add",
    "created_at",
    "updated_at",
)
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
