"""Reads on company accounts, shaped for their callers (constant queries for lists)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from accounts.models import ApiKey, Company, CompanyInvitation, CompanyMembership
from accounts.permissions import company_of
from b2b.models import CompanyLocation, CompanyStatusChange


def company_list(*, status: str | None = None) -> QuerySet[Company]:
    """The store's companies, newest first, each with ``member_count`` and its application
    (one query whatever their number); only those of ``status`` when given."""
    companies = (
        Company.objects.annotate(member_count=Count("memberships"))
        .select_related("application")
        .order_by("-created_at", "-id")
    )
    if status:
        companies = companies.filter(status=status)
    return companies


def company_detail(*, pk: int) -> Company | None:
    """A company with its application, members (and their users), locations and status
    history, or None."""
    return (
        company_list()
        .prefetch_related(
            Prefetch("memberships", queryset=CompanyMembership.objects.select_related("user")),
            "locations",
            Prefetch("status_changes", queryset=CompanyStatusChange.objects.select_related("by")),
        )
        .filter(pk=pk)
        .first()
    )


def company_members(*, company: Company) -> QuerySet[CompanyMembership]:
    """The members of ``company`` with their users, admins first."""
    return (
        CompanyMembership.objects.filter(company=company)
        .select_related("user")
        .order_by("role", "user__email", "id")
    )


def pending_invitations(*, company: Company) -> QuerySet[CompanyInvitation]:
    """Invitations of ``company`` not accepted yet (expired ones included, marked by date)."""
    return CompanyInvitation.objects.filter(company=company, accepted_at=None)


def company_locations(*, company: Company) -> QuerySet[CompanyLocation]:
    """The locations of ``company``, by name."""
    return CompanyLocation.objects.filter(company=company)


def checkout_locations(user) -> list[CompanyLocation]:
    """The locations a signed-in member of a company may check out with (their company's),
    else none."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    company = company_of(user)
    return list(company_locations(company=company)) if company is not None else []


def company_api_keys(*, company: Company) -> QuerySet[ApiKey]:
    """The API keys of ``company`` (never their secrets), newest first."""
    return ApiKey.objects.filter(company=company).select_related("created_by")
