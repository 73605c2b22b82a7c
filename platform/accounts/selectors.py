"""Reads on accounts, shaped for their callers."""

from django.db.models import QuerySet

from accounts.models import Address, ApiKey, Company, CompanyMembership, User


def address_list(*, user: User) -> QuerySet[Address]:
    """The address book of ``user`` (another person's addresses are never in it)."""
    return Address.objects.filter(user=user)


def api_key_list(*, company: Company | None) -> QuerySet[ApiKey]:
    """The keys of ``company``, or the store's own keys when ``company`` is None."""
    return ApiKey.objects.filter(company=company).select_related("created_by")


def api_key_for_secret(*, digest: str) -> ApiKey | None:
    """The active key whose secret has ``digest``, with its creator (one query)."""
    return (
        ApiKey.objects.select_related("created_by")
        .filter(digest=digest, revoked_at=None, created_by__is_active=True)
        .first()
    )


def company_members(*, company: Company) -> QuerySet[CompanyMembership]:
    """The members of ``company`` with their users."""
    return CompanyMembership.objects.filter(company=company).select_related("user")
