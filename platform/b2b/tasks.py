"""Celery tasks of the B2B app: thin, idempotent wrappers. Tasks sent from a store run in that
store's schema (tenant-schemas-celery)."""

from celery import shared_task


@shared_task
def send_company_email(company_id: int, kind: str, key: str = "") -> int:
    """Send the emails of one kind about a company's application, once (b2b.companies.emails)."""
    from b2b.companies.emails import send_company_email as send

    return send(company_id=company_id, kind=kind, key=key)
