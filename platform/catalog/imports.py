"""Catalog import (CSV or JSON, one row per variant); the export (catalog.exports) matches it.

Columns: product_slug, product_name, description, brand (slug), categories (slugs separated by
``|``), status, visible_b2c, visible_b2b, sku, variant_name, currency (the store's, or empty),
price, b2b_price, compare_at_price, cost_price, stock_on_hand, quantity_min, quantity_max,
quantity_step, options (``size=M;colour=red``) and one ``attr.<code>`` column per product
attribute (multiple choices separated by ``|``); catalog.import_rows says how each is read. Product
fields are taken from the first row of each product; a row with an empty ``sku`` and no
price is a product without variants. Products are matched by slug and variants by SKU:
existing ones are updated, others created.

Every row goes through the catalog's own services (create_product, update_product,
create_variant, update_variant, set_attribute_values, set_stock_levels), inside one
transaction that a dry run, or any bad row, rolls back: a dry run reports exactly what a
commit would refuse, and a failed import writes nothing. A committed import is one
products_changed event naming every product it touched. Progress while a job runs is kept in
the (store-prefixed) cache, since the rows being written are not visible until commit.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from catalog import services
from catalog.errors import CatalogError
from catalog.events import one_event
from catalog.import_rows import (
    ATTRIBUTE_PREFIX,
    ImportRefused,
    Report,
    Row,
    check_references,
    parse_row,
    read_rows,
)
from catalog.inventory import set_stock_levels
from catalog.models import (
    Brand,
    Category,
    ImportJob,
    Product,
)
from tenants.limits import PlanLimitReached, ensure_current_store_within_plan

PROGRESS_EVERY = 200
_SERVICE_FIELDS = {"slug": "product_slug", "name": "product_name"}


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
    try:
        if rows:
            apply_rows(rows, report=report, write=not job.dry_run, actor=job.created_by, job=job)
    except Exception:
        # Never leave the merchant watching a job that stopped: say so, then let Celery log it.
        report.add(0, "non_field_errors", "The import stopped on an unexpected error.")
        _finish(job, report)
        raise
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
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        # The job is over (its report stays): the merchant's file, which may carry costs and
        # stock, is not kept in storage. A validated dry run keeps it for its commit.
        job.file.storage.delete(job.file.name)
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


# --- Checking and writing ----------------------------------------------------------------------


def apply_rows(raw_rows: list[dict], *, report: Report, write: bool, actor: str = "", job=None):
    """Check every row and run it through the services in one transaction.

    The transaction is rolled back unless ``write`` is set and no row failed, so nothing is
    written by a dry run or a failed import. Errors are added to ``report``.
    """
    rows = [row for row in (parse_row(raw, report) for raw in raw_rows) if row is not None]
    check_references(rows, report)
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.slug, []).append(row)
    processed = len(raw_rows) - len(rows)
    with transaction.atomic(), one_event():
        # Past the plan's limit the file is refused whole, before any row is written.
        writable = groups.values() if _within_plan_limit(groups, report=report) else []
        for group in writable:
            _apply_group(group, report=report, actor=actor)
            processed += len(group)
            if job is not None and processed % PROGRESS_EVERY < len(group):
                cache.set(_progress_key(job.pk), processed, timeout=24 * 3600)
        if report.errors or not write:
            transaction.set_rollback(True)
    report.errors.sort(key=lambda error: error["row"])
    return report


def _within_plan_limit(groups: dict[str, list[Row]], *, report: Report) -> bool:
    """Whether the file's new products fit the plan's product limit; if not, says so.

    Runs in the import's transaction: the limit's lock is held until it commits.
    """
    existing = set(Product.objects.filter(slug__in=list(groups)).values_list("slug", flat=True))
    new_products = [slug for slug in groups if slug not in existing]
    if not new_products:
        return True
    try:
        ensure_current_store_within_plan(resource="products", adding=len(new_products))
    except PlanLimitReached as refused:
        report.add(
            0,
            "non_field_errors",
            f"{refused.message} This file adds {len(new_products)} new products; "
            "nothing was imported.",
        )
        return False
    return True


def _apply_group(group: list[Row], *, report: Report, actor: str) -> None:
    try:
        with transaction.atomic():
            _write_product(group, report=report, actor=actor)
    except (CatalogError, PlanLimitReached, DjangoValidationError, DatabaseError) as error:
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
