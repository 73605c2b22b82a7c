"""Reading an import file: its rows checked and converted for the catalog's services.

Columns: product_slug, product_name, description, brand (slug), categories (slugs separated by
``|``), status, visible_b2c, visible_b2b, sku, variant_name, currency, price, b2b_price,
compare_at_price, cost_price, stock_on_hand, quantity_min, quantity_max, quantity_step, options
(``size=M;colour=red``) and one ``attr.<code>`` column per product attribute (multiple choices
separated by ``|``). Prices are in the store's currency: a ``currency`` cell, when given, must
name it, and an amount may not have more decimals than it has (no 12.50 in a JPY store). An
empty quantity_max is "no limit"; a quantity column left out keeps what the variant has. Every
problem is reported with its row number (as the merchant sees it: the CSV header is row 1),
its column and a message; nothing here writes.

In a CSV file, a cell that starts with a single quote ``'`` is read without it, exactly as it
follows (spreadsheets treat that quote as "this is text"): the export quotes cells a
spreadsheet would run as formulas, so an export imports back unchanged.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug

import money
from catalog.errors import CatalogError
from catalog.models import Brand, Category, ImportJob, Product, ProductVariant
from config.api_input import decimal_fits, has_null_character, integer_fits, null_character_message

COLUMNS = [
    "product_slug",
    "product_name",
    "description",
    "brand",
    "categories",
    "status",
    "visible_b2c",
    "visible_b2b",
    "sku",
    "variant_name",
    "currency",
    "price",
    "b2b_price",
    "compare_at_price",
    "cost_price",
    "stock_on_hand",
    "quantity_min",
    "quantity_max",
    "quantity_step",
    "options",
]


ATTRIBUTE_PREFIX = "attr."


PRICE_COLUMNS = ("price", "b2b_price", "compare_at_price", "cost_price")
QUANTITY_COLUMNS = ("quantity_min", "quantity_max", "quantity_step")

# CSV injection: spreadsheets run a cell starting with one of these as a formula. The export
# writes such a cell behind a quote, as OWASP advises, and so also a cell that starts with a
# quote; the import removes one leading quote. A plain number (``-5``) is no formula: as is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(text: str) -> str:
    """A cell as the export writes it: quoted when a spreadsheet would run it as a formula."""
    if text.startswith((*FORMULA_STARTS, TEXT_MARK)) and not _PLAIN_NUMBER.fullmatch(text):
        return TEXT_MARK + text
    return text


class _Verbatim(str):
    """A CSV cell that came behind the export's quote: read exactly, never stripped."""


def _csv_text(cell):
    if isinstance(cell, str) and cell.startswith(TEXT_MARK):
        return _Verbatim(cell[len(TEXT_MARK) :])
    return cell


class ImportRefused(CatalogError):
    code = "invalid_import"


@dataclass
class Row:
    """One row of the file, checked and converted for the services."""

    number: int
    slug: str
    product: dict = field(default_factory=dict)
    categories: list[str] | None = None
    attributes: dict = field(default_factory=dict)
    variant: dict | None = None
    stock: int | None = None


@dataclass
class Report:
    errors: list[dict] = field(default_factory=list)
    products_created: int = 0
    products_updated: int = 0
    variants_created: int = 0
    variants_updated: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "field": column, "message": message})


def read_rows(file, *, file_format: str) -> list[dict]:
    """The rows of a CSV or JSON file, each with its number as the merchant sees it."""
    with file.open("rb") as opened:
        raw = opened.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused("The file is not UTF-8 text.") from error
    if file_format == ImportJob.Format.CSV:
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "product_slug" not in reader.fieldnames:
            raise ImportRefused("The first line must name the columns, product_slug among them.")
        return [
            {"#": number, **{name: _csv_text(cell) for name, cell in row.items()}}
            for number, row in enumerate(reader, start=2)
        ]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(f"The file is not valid JSON: {error.msg}.") from error
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ImportRefused("The JSON file must be a list of rows (objects).")
    return [{"#": number, **row} for number, row in enumerate(data, start=1)]


def parse_row(raw: dict, report: Report) -> Row | None:
    """One row checked and converted, or None (its problems added to ``report``)."""
    number = raw["#"]
    errors_before = len(report.errors)
    for column, item in raw.items():
        # PostgreSQL text cannot hold NUL: refused here, with the row, before any lookup.
        if has_null_character(column) or has_null_character(item):
            report.add(number, column.replace("\x00", ""), null_character_message())
    if len(report.errors) > errors_before:
        return None
    value = _reader(raw)
    slug = value("product_slug")
    if not slug:
        report.add(number, "product_slug", "Required.")
    else:
        try:
            validate_slug(slug)
        except DjangoValidationError:
            report.add(number, "product_slug", "Use letters, numbers, hyphens or underscores.")
    row = Row(number=number, slug=slug)
    _parse_product(raw, value, row, report)
    _parse_variant(raw, value, row, report)
    row.attributes = {
        key[len(ATTRIBUTE_PREFIX) :]: _attribute_value(raw[key])
        for key in raw
        if key.startswith(ATTRIBUTE_PREFIX) and value(key) != ""
    }
    return row if len(report.errors) == errors_before else None


def _reader(raw: dict):
    def value(column: str) -> str:
        item = raw.get(column)
        if item is None:
            return ""
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, _Verbatim):
            return str(item)
        return str(item).strip()

    return value


def _parse_product(raw: dict, value, row: Row, report: Report) -> None:
    name = value("product_name")
    if not name:
        report.add(row.number, "product_name", "Required.")
    row.product["name"] = name
    if "description" in raw:
        row.product["description"] = value("description")
    status = value("status")
    if status and status not in Product.Status.values:
        report.add(row.number, "status", f"Use one of: {', '.join(Product.Status.values)}.")
    elif status:
        row.product["status"] = status
    for column in ("visible_b2c", "visible_b2b"):
        if value(column):
            flag = _boolean(value(column))
            if flag is None:
                report.add(row.number, column, "Use true or false.")
            else:
                row.product[column] = flag
    if row.product.get("visible_b2c") is False and row.product.get("visible_b2b") is False:
        report.add(row.number, "visible_b2c", "A product is sold on B2C, B2B or both.")
    if "brand" in raw:
        row.product["brand"] = value("brand") or None
    if "categories" in raw:
        row.categories = [slug for slug in value("categories").split("|") if slug.strip()]


def _parse_variant(raw: dict, value, row: Row, report: Report) -> None:
    sku = value("sku")
    if not sku and not value("price"):
        return
    if not sku:
        report.add(row.number, "sku", "Required for a variant.")
    variant = {"sku": sku, "name": value("variant_name")}
    currency = money.store_currency()
    if value("currency") and value("currency").upper() != currency:
        report.add(
            row.number,
            "currency",
            f"This store sells in {currency}, not {value('currency')}: "
            "write its prices in the store's currency.",
        )
    for column in PRICE_COLUMNS:
        text = value(column)
        if not text:
            if column == "price":
                report.add(row.number, "price", "Required.")
            variant[column] = None
            continue
        amount = _amount(text, column)
        if amount is None:
            report.add(row.number, column, "Must be an amount of at least 0, e.g. 19.99.")
        elif not money.fits_currency(amount, currency):
            report.add(row.number, column, money.precision_message(currency))
        variant[column] = amount
    for column in QUANTITY_COLUMNS:
        if column not in raw:
            continue
        text = value(column)
        if not text:
            if column == "quantity_max":
                variant[column] = None  # no limit
            continue
        try:
            quantity = int(text)
        except ValueError:
            report.add(row.number, column, "Must be a whole number of 1 or more.")
            continue
        if quantity < 1:
            report.add(row.number, column, "Must be a whole number of 1 or more.")
        elif not integer_fits(quantity, ProductVariant, column):
            report.add(row.number, column, "Too large.")
        else:
            variant[column] = quantity
    low, high = variant.get("quantity_min"), variant.get("quantity_max")
    if low is not None and high is not None and high < low:
        report.add(
            row.number, "quantity_max", f"The most per line ({high}) is below the fewest ({low})."
        )
    options = _options(value("options"))
    if options is None:
        report.add(row.number, "options", "Write options as name=value;name=value.")
    variant["options"] = options or {}
    if value("stock_on_hand"):
        try:
            row.stock = int(value("stock_on_hand"))
        except ValueError:
            report.add(row.number, "stock_on_hand", "Must be a whole number.")
        else:
            if row.stock < 0:
                report.add(row.number, "stock_on_hand", "Cannot be below 0.")
            elif not integer_fits(row.stock, ProductVariant, "stock_on_hand"):
                report.add(row.number, "stock_on_hand", "Too large.")
    row.variant = variant


def check_references(rows: list[Row], report: Report) -> None:
    """Brands, categories and SKUs the rows name; drops the rows that fail from ``rows``."""
    brands = _slugs(Brand, {row.product["brand"] for row in rows if row.product.get("brand")})
    categories = _slugs(Category, {slug for row in rows for slug in row.categories or []})
    skus = [row.variant["sku"] for row in rows if row.variant]
    owners = dict(ProductVariant.objects.filter(sku__in=skus).values_list("sku", "product__slug"))
    seen: dict[str, int] = {}
    for row in rows:
        brand = row.product.get("brand")
        if brand and brand not in brands:
            report.add(row.number, "brand", f"Unknown brand {brand!r}.")
        unknown = [slug for slug in row.categories or [] if slug not in categories]
        if unknown:
            report.add(row.number, "categories", f"Unknown categories: {', '.join(unknown)}.")
        if not row.variant:
            continue
        sku = row.variant["sku"]
        if sku in seen:
            report.add(row.number, "sku", f"SKU {sku!r} is already on row {seen[sku]}.")
        seen.setdefault(sku, row.number)
        if owners.get(sku, row.slug) != row.slug:
            report.add(row.number, "sku", f"SKU {sku!r} belongs to product {owners[sku]!r}.")
    failed = {error["row"] for error in report.errors}
    rows[:] = [row for row in rows if row.number not in failed]


def _slugs(model, wanted: set[str]) -> set[str]:
    return set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))


def _amount(text: str, column: str) -> Decimal | None:
    """The amount, or None unless it is a number of at least 0 its column can hold exactly
    (``nan``, ``inf``, ``1e999`` or ``1e-999`` are not)."""
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not decimal_fits(amount, ProductVariant, column) or amount < 0:
        return None
    return amount


def _boolean(text: str) -> bool | None:
    lowered = text.lower()
    if lowered in {"true", "yes", "1"}:
        return True
    if lowered in {"false", "no", "0"}:
        return False
    return None


def _options(text: str) -> dict | None:
    options = {}
    for pair in filter(None, (part.strip() for part in text.split(";"))):
        name, equals, value = pair.partition("=")
        if not equals or not name.strip() or not value.strip():
            return None
        options[name.strip()] = value.strip()
    return options


def _attribute_value(raw):
    if isinstance(raw, list | bool | int | float):
        return raw
    text = str(raw) if isinstance(raw, _Verbatim) else str(raw).strip()
    return [part for part in text.split("|") if part] if "|" in text else text
