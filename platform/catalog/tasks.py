"""Celery tasks of the catalog: thin wrappers around services.

Tasks sent from a store run in that store's schema (tenant-schemas-celery), so they read and
write that store's catalog and files only.
"""

from celery import shared_task


@shared_task
def make_image_renditions(image_id: int) -> dict[str, str]:
    """Make (or remake) the renditions of a product image; a deleted image is skipped."""
    from catalog.images import generate_renditions

    return generate_renditions(image_id=image_id)


@shared_task
def run_import_job(job_id: int) -> str | None:
    """Validate or import a pending import job; a job already run is left alone."""
    from catalog.imports import run_import

    job = run_import(job_id=job_id)
    return job.status if job is not None else None


@shared_task
def send_low_stock_alert(variant_id: int) -> list[str]:
    """Email the store's staff who manage the catalog that a variant is running low."""
    from catalog.notifications import notify_low_stock

    return notify_low_stock(variant_id=variant_id)
