"""Celery tasks of the B2B app: thin, idempotent wrappers around its services. Tasks sent from a
store run in that store's schema (tenant-schemas-celery).

``process_invoices_and_quotes`` runs periodically in the public schema (CELERY_BEAT_SCHEDULE)
and sends one ``process_store_invoices_and_quotes`` per live store from inside that store's
context.
"""

from celery import shared_task


@shared_task
def send_company_email(company_id: int, kind: str, key: str = "") -> int:
    """Send the emails of one kind about a company's application, once (b2b.companies.emails)."""
    from b2b.companies.emails import send_company_email as send

    return send(company_id=company_id, kind=kind, key=key)


@shared_task
def process_invoices_and_quotes() -> list[str]:
    """Fan out: one ``process_store_invoices_and_quotes`` per live store. Returns their slugs."""
    from django_tenants.utils import tenant_context

    from tenants.models import Tenant

    stores = Tenant.objects.filter(status__in=Tenant.LIVE_STATUSES).exclude(schema_name="public")
    slugs = []
    for store in stores.order_by("pk"):
        with tenant_context(store):
            process_store_invoices_and_quotes.delay()
        slugs.append(store.slug)
    return slugs


@shared_task
def process_store_invoices_and_quotes() -> dict:
    """At one store: issue invoices a receiver missed, mark overdue invoices and send their one
    reminder, expire offers past their validity."""
    from b2b import invoicing, quotes

    counts = {"issued": invoicing.issue_missing_invoices()}
    counts.update(invoicing.mark_overdue_and_remind())
    counts["quotes_expired"] = quotes.expire_quotes()
    return counts


@shared_task
def send_quote_email(quote_id: int, to_status: str) -> bool:
    """Tell the other side of a quote that it moved (b2b.quotes.send_quote_email)."""
    from b2b import quotes

    return quotes.send_quote_email(quote_id=quote_id, to_status=to_status)
