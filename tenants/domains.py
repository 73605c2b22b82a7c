"""Custom domains: a merchant points their own domain at their store.

A custom domain is stored unverified (a *claim*) and serves nothing until the merchant proves
they own it with a DNS TXT record ``_mercato-challenge.<domain>`` holding
``mercato-verification=<token>``. Claims do not block other stores: each store claiming a name
gets its own token, the first to verify gets the name, and unverified claims lapse after
``CUSTOM_DOMAIN_CLAIM_HOURS`` (72 by default).
"""

import re
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants import audit, certificates
from tenants.errors import DomainClaimExpired, DomainInUse, DomainNotRemovable
from tenants.models import Domain, Tenant

_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class TxtResolver(Protocol):
    def txt_records(self, name: str) -> list[str]:
        """The TXT strings published at ``name`` (empty when none or not found)."""


class DnsTxtResolver:
    """Looks TXT records up in the public DNS (dnspython)."""

    def txt_records(self, name: str) -> list[str]:
        import dns.exception
        import dns.resolver

        try:
            answer = dns.resolver.resolve(name, "TXT", lifetime=5)
        except dns.exception.DNSException:
            return []
        return [b"".join(record.strings).decode(errors="replace") for record in answer]


def claim_expires_at(domain: Domain) -> datetime | None:
    """When an unverified claim lapses (None for a verified domain)."""
    if domain.is_verified:
        return None
    return domain.created_at + timedelta(hours=settings.CUSTOM_DOMAIN_CLAIM_HOURS)


def expired_claims(*, now: datetime | None = None):
    """Unverified claims older than CUSTOM_DOMAIN_CLAIM_HOURS."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.CUSTOM_DOMAIN_CLAIM_HOURS)
    return Domain.objects.filter(is_verified=False, created_at__lte=cutoff)


def remove_expired_claims(*, now: datetime | None = None) -> int:
    """Delete the unverified claims that have lapsed (periodically); returns how many."""
    removed, _ = expired_claims(now=now).delete()
    return removed


def add_custom_domain(*, tenant: Tenant, hostname: str, actor_label: str = "") -> Domain:
    """Claim ``hostname`` for the store, unverified; ValidationError when unusable.

    Guarantees: an unverified claim of another store never blocks this one, and the answer
    never tells that another store claimed the name; only a name another store has *verified*
    is refused ("already in use"). The claim lapses after CUSTOM_DOMAIN_CLAIM_HOURS unless
    verified.
    """
    hostname = (hostname or "").strip().lower().rstrip(".")
    if not _HOSTNAME.match(hostname):
        raise ValidationError({"domain": ["Enter a domain name such as shop.example.com."]})
    platform = settings.PLATFORM_DOMAIN
    if hostname == platform or hostname.endswith(f".{platform}"):
        raise ValidationError({"domain": ["Subdomains of the platform cannot be added."]})
    if Domain.objects.filter(domain=hostname, is_verified=True).exists():
        raise ValidationError({"domain": ["This domain is already in use."]})
    # A lapsed claim of this store is renewed (a new token, a new period) rather than refused.
    expired_claims().filter(domain=hostname, tenant=tenant).delete()
    try:
        with transaction.atomic():
            domain = Domain.objects.create(
                domain=hostname, tenant=tenant, is_primary=False, is_verified=False
            )
    except IntegrityError as error:
        if Domain.objects.filter(domain=hostname, tenant=tenant).exists():
            message = "You have already added this domain."
        else:
            message = "This domain is already in use."  # verified meanwhile by another store
        raise ValidationError({"domain": [message]}) from error
    audit.record(action="domain.added", tenant=tenant, actor_label=actor_label, domain=hostname)
    return domain


def verify_custom_domain(*, domain: Domain, resolver: TxtResolver | None = None) -> bool:
    """Check the domain's TXT record; mark it verified (it starts serving) when it matches.

    The first store to verify a host name gets it: the other stores' claims of it are removed,
    and a store whose claim lost (or lapsed) gets DomainInUse (or DomainClaimExpired), its
    claim removed. Returns False when the TXT record is not there (yet).
    """
    if domain.is_verified:
        return True
    if claim_expires_at(domain) <= timezone.now():
        domain.delete()
        raise DomainClaimExpired(
            f"This claim of {domain.domain} expired after "
            f"{settings.CUSTOM_DOMAIN_CLAIM_HOURS} hours without verification; add the "
            "domain again to get a new TXT record."
        )
    if Domain.objects.filter(domain=domain.domain, is_verified=True).exists():
        domain.delete()
        raise DomainInUse(f"{domain.domain} is already in use.")
    resolver = resolver or DnsTxtResolver()
    if domain.txt_record_value not in resolver.txt_records(domain.txt_record_name):
        return False
    try:
        with transaction.atomic():
            domain.is_verified = True
            domain.verified_at = timezone.now()
            domain.save(update_fields=["is_verified", "verified_at"])
    except IntegrityError as error:
        # Another store verified the name between our check and now: it won.
        Domain.objects.filter(pk=domain.pk).delete()
        raise DomainInUse(f"{domain.domain} is already in use.") from error
    losers = Domain.objects.filter(domain=domain.domain, is_verified=False).exclude(pk=domain.pk)
    for lost in losers.select_related("tenant"):
        audit.record(action="domain.claim_removed", tenant=lost.tenant, domain=lost.domain)
    losers.delete()
    audit.record(action="domain.verified", tenant=domain.tenant, domain=domain.domain)
    # HTTPS for it: a certificate requested from ACM after the commit (when configured).
    certificates.start_for_domain(domain=domain)
    return True


def remove_custom_domain(*, domain: Domain, actor_label: str = "") -> None:
    """Stop serving the store at a custom domain (or drop an unverified claim); audited.

    The store's platform subdomain (its primary domain) is never removed: DomainNotRemovable.
    """
    if domain.is_primary or domain.domain.endswith(f".{settings.PLATFORM_DOMAIN}"):
        raise DomainNotRemovable("The store's own address on the platform cannot be removed.")
    certificates.release_for_domain(domain=domain)
    domain.delete()
    audit.record(
        action="domain.removed", tenant=domain.tenant, actor_label=actor_label, domain=domain.domain
    )
