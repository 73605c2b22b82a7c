"""Catalog export: the whole catalog, streamed, in the import's columns (it imports back).

See catalog.imports for the columns. Rows are built from a constant number of queries per
chunk of products, so an export of 100,000 variants streams in flat memory.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

import money
from catalog.import_rows import (
    ATTRIBUTE_PREFIX,
    COLUMNS,
    PRICE_COLUMNS,
    QUANTITY_COLUMNS,
    csv_cell,
)
from catalog.models import Attribute, AttributeValue, Product, ProductVariant


def export_columns() -> list[str]:
    """The export's columns: the import's, then one per attribute products carry."""
    codes = (
        Attribute.objects.filter(values__product__isnull=False)
        .distinct()
        .order_by("code")
        .values_list("code", flat=True)
    )
    return COLUMNS + [f"{ATTRIBUTE_PREFIX}{code}" for code in codes]


def export_rows() -> Iterator[dict]:
    """Every product of the store as import rows (one per variant), streamed in chunks.

    A constant number of queries per chunk of 500 products, whatever their variants.
    """
    values = AttributeValue.objects.select_related("attribute").prefetch_related("options")
    products = (
        Product.objects.select_related("brand")
        .prefetch_related("categories", "variants", Prefetch("attribute_values", values))
        .order_by("pk")
    )
    currency = money.store_currency()
    for product in products.iterator(chunk_size=500):
        base = _product_columns(product)
        variants = list(product.variants.all())
        if not variants:
            yield base
        for variant in variants:
            yield {**base, **_variant_columns(variant, currency)}


def _product_columns(product: Product) -> dict:
    row = {
        "product_slug": product.slug,
        "product_name": product.name,
        "description": product.description,
        "brand": product.brand.slug if product.brand else "",
        "categories": "|".join(sorted(category.slug for category in product.categories.all())),
        "status": product.status,
        "visible_b2c": _flag(product.visible_b2c),
        "visible_b2b": _flag(product.visible_b2b),
    }
    for value in product.attribute_values.all():
        row[f"{ATTRIBUTE_PREFIX}{value.attribute.code}"] = _attribute_text(value)
    return row


def _variant_columns(variant: ProductVariant, currency: str) -> dict:
    def amount(value) -> str:
        return "" if value is None else str(money.quantize(value, currency))

    return {
        "sku": variant.sku,
        "variant_name": variant.name,
        "currency": currency,
        **{column: amount(getattr(variant, column)) for column in PRICE_COLUMNS},
        "stock_on_hand": str(variant.stock_on_hand),
        **{column: _text(getattr(variant, column)) for column in QUANTITY_COLUMNS},
        "options": ";".join(f"{name}={value}" for name, value in variant.options.items()),
    }


def _attribute_text(value: AttributeValue) -> str:
    kind = value.attribute.type
    if kind == Attribute.Type.BOOLEAN:
        return _flag(value.boolean) if value.boolean is not None else ""
    if kind == Attribute.Type.NUMBER:
        return "" if value.number is None else f"{value.number.normalize():f}"
    if kind in (Attribute.Type.CHOICE, Attribute.Type.MULTI_CHOICE):
        return "|".join(option.slug for option in value.options.all())
    return value.text


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _text(value) -> str:
    return "" if value is None else str(value)


def stream_csv(rows: Iterable[dict], columns: list[str]) -> Iterator[str]:
    """CSV text, a line at a time (for a streamed response).

    Cells a spreadsheet would run as formulas are written behind a quote (import_rows.csv_cell),
    which the import removes.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: csv_cell(text) for column, text in row.items()})
        yield _drain(buffer)
    yield _drain(buffer)


def stream_json(rows: Iterable[dict], columns: list[str]) -> Iterator[str]:
    """A JSON list of rows, a row at a time (for a streamed response)."""
    yield "["
    for index, row in enumerate(rows):
        prefix = "," if index else ""
        yield prefix + json.dumps({column: row.get(column, "") for column in columns})
    yield "]"


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
