"""The emails of a company's application, each sent once.

Services queue ``b2b.tasks.send_company_email`` after commit, in the store's schema. The task
claims the (company, kind, key) row of :class:`CompanyEmail` first (a unique constraint), so a
task delivered twice sends one email; if sending fails the claim is dropped and a retry sends.

To the applicant (the application's contact email): application received, approved, rejected
(with the staff's note). To the store: a new application, to the owner and order managers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string

from accounts.models import Company, User
from b2b.models import CompanyApplication, CompanyEmail, CompanyStatusChange

Kind = CompanyEmail.Kind

SUBJECTS = {
    Kind.APPLICATION_RECEIVED: "We received the application of {company} at {store}",
    Kind.STAFF_NEW_APPLICATION: "New business account application: {company}",
    Kind.APPROVED: "{company} can now buy at {store} as a business",
    Kind.REJECTED: "The application of {company} at {store}",
}
# Staff who decide on applications (accounts.permissions.MANAGE_COMPANIES).
DECIDING_ROLES = (User.StaffRole.OWNER, User.StaffRole.ORDER_MANAGER)


def send_company_email(*, company_id: int, kind: str, key: str = "") -> int:
    """Send one kind of email about a company unless it was sent (answers how many went)."""
    company = Company.objects.filter(pk=company_id).first()
    application = CompanyApplication.objects.filter(company_id=company_id).first()
    if company is None or application is None or kind not in Kind.values:
        return 0
    sent = 0
    for recipient in _recipients(application, kind):
        try:
            with transaction.atomic():
                claim = CompanyEmail.objects.create(
                    company=company, kind=kind, key=f"{key}:{recipient}"[:64], recipient=recipient
                )
        except IntegrityError:
            continue
        try:
            _send(company, application, kind, key, recipient)
        except Exception:
            claim.delete()
            raise
        sent += 1
    return sent


def _recipients(application: CompanyApplication, kind: str) -> list[str]:
    if kind != Kind.STAFF_NEW_APPLICATION:
        return [application.contact_email]
    staff = User.objects.filter(staff_role__in=DECIDING_ROLES, is_active=True).order_by("pk")
    return [email for email in staff.values_list("email", flat=True) if email]


def _send(company, application, kind: str, key: str, recipient: str) -> None:
    tenant = getattr(connection, "tenant", None)
    change = None
    if key.isdigit():
        change = CompanyStatusChange.objects.filter(pk=int(key), company=company).first()
    context = {
        "company": company,
        "application": application,
        "note": change.note if change else "",
        "store_name": getattr(tenant, "name", "") or "our store",
        "store_url": getattr(tenant, "url", "") or "",
    }
    send_mail(
        subject=SUBJECTS[kind].format(company=company.name, store=context["store_name"]),
        message=render_to_string(f"b2b/companies/email/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[recipient],
    )
