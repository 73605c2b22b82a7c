"""Catalog import (CSV or JSON, one row per variant) and export (the same columns).

Columns: product_slug, product_name, description, brand (slug), categories (slugs separated by
``|``), status, visible_b2c, visible_b2b, sku, variant_name, price, b2b_price,
compare_at_price, cost_price, stock_on_hand, options (``size=M;colour=red``) and one
``attr.<code>`` column per product attribute (multiple choices separated by ``|``). Product
fields are taken from the first row of each product; a row with an empty ``sku`` and no
price is a product without variants. Products are matched by slug and variants by SKU:
existing ones are updated, others created.

Every row goes through the catalog's own services (create_product, update_product,
create_variant, update_variant, set_attribute_values, set_stock_levels), inside one
transaction that a dry run, or any bad row, rolls back: a dry run reports exactly what a
commit would refuse, and a failed import writes nothing. Progress while a job runs is kept in
the (store-prefixed) cache, since the rows being written are not visible until commit.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import DatabaseError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from catalog import services
from catalog.errors import CatalogError
from catalog.inventory import set_stock_levels
from catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    ImportJob,
    Product,
    ProductVariant,
)

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
    "price",
    "b2b_price",
    "compare_at_price",
    "cost_price",
    "stock_on_hand",
    "options",
]
ATTRIBUTE_PREFIX = "attr."
PRICE_COLUMNS = ("price", "b2b_price", "compare_at_price", "cost_price")
PROGRESS_EVERY = 200
_SERVICE_FIELDS = {"slug": "product_slug", "name": "product_name"}


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


# --- Jobs --------------------------------------------------------------------------------------


def start_import(*, upload, dry_run: bool, actor: str = "") -> ImportJob:
    """Store an uploaded file as an import job and queue it (validation only if ``dry_run``).

    Refuses (ImportRefused, on ``file``) a file that is not .csv/.json or too large, storing
    nothing. The job runs in Celery, in this store's schema, after commit.
    """
    file_format = _format_of(upload)
    limit = settings.CATALOG_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportRefused(
            "The file is too large.", fields={"file": [f"The limit is {limit:,} bytes."]}
        )
    with transaction.atomic():
        job = ImportJob.objects.create(
            file=upload, format=file_format, dry_run=dry_run, created_by=actor
        )
        transaction.on_commit(lambda: _queue(job.pk))
    return job


def commit_import(*, job: ImportJob) -> ImportJob:
    """Import for real the file of a clean dry run; every row is checked again as it is written.

    Refuses (409 ``import_not_validated``) unless the job's dry run passed.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.VALIDATED:
            raise ImportNotValidated(
                f"Only a dry run that passed can be committed; this import is {job.status}."
            )
        job.dry_run = False
        job.status = ImportJob.Status.PENDING
        job.save(update_fields=["dry_run", "status", "updated_at"])
        transaction.on_commit(lambda: _queue(job.pk))
    return job


def run_import(*, job_id: int) -> ImportJob | None:
    """Validate (dry run) or import a pending job; idempotent (a job runs once per request).

    Ends ``validated``/``done`` with counts, or ``failed`` with the row-by-row report and
    nothing written.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING)
    job = claimed.first()
    if job is None:
        return None
    running = ImportJob.Status.VALIDATING if job.dry_run else ImportJob.Status.IMPORTING
    if not claimed.update(status=running, updated_at=timezone.now()):
        return None
    job.status = running
    report = Report()
    try:
        rows = read_rows(job.file, file_format=job.format)
    except ImportRefused as error:
        report.add(0, "file", error.message)
        rows = []
    job.total_rows = len(rows)
    job.save(update_fields=["total_rows", "updated_at"])
    if rows:
        apply_rows(rows, report=report, write=not job.dry_run, actor=job.created_by, job=job)
    return _finish(job, report)


def progress_of(job: ImportJob) -> int:
    """Rows processed so far: live from the cache while the job runs, else as recorded."""
    if job.status in (ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING):
        return cache.get(_progress_key(job.pk), job.processed_rows)
    return job.processed_rows


def _finish(job: ImportJob, report: Report) -> ImportJob:
    if report.errors:
        job.status = ImportJob.Status.FAILED
    elif job.dry_run:
        job.status = ImportJob.Status.VALIDATED
    else:
        job.status = ImportJob.Status.DONE
    job.errors = report.errors
    job.processed_rows = job.total_rows
    for name in ("products_created", "products_updated", "variants_created", "variants_updated"):
        setattr(job, name, getattr(report, name))
    job.finished_at = timezone.now()
    job.save()
    cache.delete(_progress_key(job.pk))
    return job


class ImportNotValidated(CatalogError):
    status_code = 409
    code = "import_not_validated"


def _queue(job_id: int) -> None:
    from catalog.tasks import run_import_job

    run_import_job.delay(job_id)


def _progress_key(job_id: int) -> str:
    return f"catalog:import:{job_id}:processed"


def _format_of(upload) -> str:
    name = (upload.name or "").lower()
    for file_format in ImportJob.Format.values:
        if name.endswith(f".{file_format}"):
            return file_format
    raise ImportRefused(
        "Upload a .csv or .json file.", fields={"file": ["Upload a .csv or .json file."]}
    )


# --- Reading -----------------------------------------------------------------------------------


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
        return [{"#": number, **row} for number, row in enumerate(reader, start=2)]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(f"The file is not valid JSON: {error.msg}.") from error
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ImportRefused("The JSON file must be a list of rows (objects).")
    return [{"#": number, **row} for number, row in enumerate(data, start=1)]


# --- Checking and writing ----------------------------------------------------------------------


def apply_rows(raw_rows: list[dict], *, report: Report, write: bool, actor: str = "", job=None):
    """Check every row and run it through the services in one transaction.

    The transaction is rolled back unless ``write`` is set and no row failed, so nothing is
    written by a dry run or a failed import. Errors are added to ``report``.
    """
    rows = [row for row in (_parse(raw, report) for raw in raw_rows) if row is not None]
    _check_references(rows, report)
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.slug, []).append(row)
    processed = len(raw_rows) - len(rows)
    with transaction.atomic():
        for group in groups.values():
            _apply_group(group, report=report, actor=actor)
            processed += len(group)
            if job is not None and processed % PROGRESS_EVERY < len(group):
                cache.set(_progress_key(job.pk), processed, timeout=24 * 3600)
        if report.errors or not write:
            transaction.set_rollback(True)
    report.errors.sort(key=lambda error: error["row"])
    return report


def _parse(raw: dict, report: Report) -> Row | None:
    number = raw["#"]
    errors_before = len(report.errors)
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
    _parse_variant(value, row, report)
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


def _parse_variant(value, row: Row, report: Report) -> None:
    sku = value("sku")
    if not sku and not value("price"):
        return
    if not sku:
        report.add(row.number, "sku", "Required for a variant.")
    variant = {"sku": sku, "name": value("variant_name")}
    for column in PRICE_COLUMNS:
        text = value(column)
        if not text:
            if column == "price":
                report.add(row.number, "price", "Required.")
            variant[column] = None
            continue
        amount = _amount(text)
        if amount is None:
            report.add(row.number, column, "Must be an amount of at least 0, e.g. 19.99.")
        variant[column] = amount
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
    row.variant = variant


def _check_references(rows: list[Row], report: Report) -> None:
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


def _apply_group(group: list[Row], *, report: Report, actor: str) -> None:
    try:
        with transaction.atomic():
            _write_product(group, report=report, actor=actor)
    except (CatalogError, DjangoValidationError, DatabaseError) as error:
        _report_failure(group, error, report)


def _write_product(group: list[Row], *, report: Report, actor: str) -> None:
    first = group[0]
    data = {**first.product, "slug": first.slug}
    if data.get("brand"):
        data["brand"] = Brand.objects.get(slug=data["brand"])
    categories = (
        list(Category.objects.filter(slug__in=first.categories))
        if first.categories is not None
        else None
    )
    attributes = first.attributes or None
    variants = [row.variant for row in group if row.variant]
    product = Product.objects.filter(slug=first.slug).first()
    if product is None:
        product = services.create_product(
            data=data, variants=variants, categories=categories, attributes=attributes
        )
        report.products_created += 1
        report.variants_created += len(variants)
    else:
        services.update_product(
            product=product, data=data, categories=categories, attributes=attributes
        )
        report.products_updated += 1
        _write_variants(product, variants, report=report)
    _write_stock(product, group, actor=actor)


def _write_variants(product: Product, variants: list[dict], *, report: Report) -> None:
    existing = {variant.sku: variant for variant in product.variants.all()}
    for data in variants:
        variant = existing.get(data["sku"])
        if variant is None:
            services.create_variant(product=product, data=data)
            report.variants_created += 1
        else:
            services.update_variant(variant=variant, data=data)
            report.variants_updated += 1


def _write_stock(product: Product, group: list[Row], *, actor: str) -> None:
    wanted = {row.variant["sku"]: row.stock for row in group if row.stock is not None}
    if not wanted:
        return
    ids = dict(product.variants.filter(sku__in=wanted).values_list("sku", "pk"))
    set_stock_levels(
        levels=[(ids[sku], level) for sku, level in wanted.items()], reason="import", actor=actor
    )


def _report_failure(group: list[Row], error: Exception, report: Report) -> None:
    if isinstance(error, CatalogError) and error.fields:
        for name, messages in error.fields.items():
            column = _SERVICE_FIELDS.get(name, name)
            if column.startswith("attributes."):
                column = ATTRIBUTE_PREFIX + column[len("attributes.") :]
            row = _row_named_in(group, " ".join(messages)) if column == "sku" else group[0]
            for message in messages:
                report.add(row.number, column, message)
        return
    message = getattr(error, "message", None) or str(error).splitlines()[0]
    report.add(group[0].number, "non_field_errors", message)


def _row_named_in(group: list[Row], message: str) -> Row:
    for row in group:
        if row.variant and repr(row.variant["sku"]) in message:
            return row
    return group[0]


def _slugs(model, wanted: set[str]) -> set[str]:
    return set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))


def _amount(text: str) -> Decimal | None:
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount < 0 or amount != round(amount, 2) or amount >= 10**10:
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
    text = str(raw).strip()
    return [part for part in text.split("|") if part] if "|" in text else text


# --- Export ------------------------------------------------------------------------------------


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
    for product in products.iterator(chunk_size=500):
        base = _product_columns(product)
        variants = list(product.variants.all())
        if not variants:
            yield base
        for variant in variants:
            yield {**base, **_variant_columns(variant)}


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


def _variant_columns(variant: ProductVariant) -> dict:
    return {
        "sku": variant.sku,
        "variant_name": variant.name,
        **{column: _text(getattr(variant, column)) for column in PRICE_COLUMNS},
        "stock_on_hand": str(variant.stock_on_hand),
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
    """CSV text, a line at a time (for a streamed response)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
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
