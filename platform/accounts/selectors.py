"""Reads on accounts, shaped for their callers."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import (
    Address,
    ApiKey,
    AuthToken,
    Company,
    CompanyInvitation,
    CompanyMembership,
    User,
    digest_secret,
)


def address_list(*, user: User) -> QuerySet[Address]:
    """The address book of ``user`` (another person's addresses are never in it)."""
    return Address.objects.filter(user=user)


def account_exists(*, email: str) -> bool:
    """Whether a person of this store (active or not) has ``email``, ignoring case."""
    return User.objects.filter(email__iexact=email).exists()


def api_key_list(*, company: Company | None) -> QuerySet[ApiKey]:
    """The keys of ``company``, or the store's own keys when ``company`` is None."""
    return ApiKey.objects.filter(company=company).select_related("created_by")


def api_key_for_secret(*, digest: str) -> ApiKey | None:
    """The active key whose secret has ``digest``, with its creator (one query)."""
    return (
        ApiKey.objects.select_related("created_by", "company")
        .filter(digest=digest, revoked_at=None, created_by__is_active=True)
        .first()
    )


def auth_token_for_key(*, key: str) -> AuthToken | None:
    """The sign-in token whose key is ``key``, with its person (one query), or None."""
    return AuthToken.objects.select_related("user").filter(digest=digest_secret(key)).first()


def pending_invitation(*, secret: str) -> CompanyInvitation | None:
    """The unused, unexpired invitation whose link carries ``secret``, with its company."""
    return (
        CompanyInvitation.objects.select_related("company")
        .filter(digest=digest_secret(secret), accepted_at=None, expires_at__gt=timezone.now())
        .first()
    )


def company_members(*, company: Company) -> QuerySet[CompanyMembership]:
    """The members of ``company`` with their users."""
    return CompanyMembership.objects.filter(company=company).select_related("user")


def customer_list() -> QuerySet[User]:
    """The store's shoppers (not its staff, not erased), newest first, each with its company
    and ``email_verified``, in one query whatever their number."""
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return (
        User.objects.filter(staff_role="", is_staff=False, is_superuser=False, erased_at=None)
        .select_related("company_membership__company")
        .annotate(email_verified=Exists(verified))
        .order_by("-date_joined", "-pk")
    )


def customer_detail(*, pk: int) -> User | None:
    """A shopper (never staff) with their address book and company, or None."""
    return customer_list().prefetch_related("addresses", "emailaddress_set").filter(pk=pk).first()


def company_list() -> QuerySet[Company]:
    """The store's companies with ``member_count`` and their members (two queries)."""
    return Company.objects.annotate(member_count=Count("memberships")).prefetch_related(
        Prefetch("memberships", queryset=CompanyMembership.objects.select_related("user"))
    )


def social_login_clients() -> dict[str, SocialApp]:
    """The store's OAuth client of each configured provider, by provider (one query)."""
    clients: dict[str, SocialApp] = {}
    for app in SocialApp.objects.order_by("pk").only("pk", "provider", "client_id"):
        clients.setdefault(app.provider, app)
    return clients
