"""Custom domains: a merchant points their own domain at their store.

A custom domain is stored unverified and serves nothing until the merchant proves they own it
with a DNS TXT record ``_mercato-challenge.<domain>`` holding ``mercato-verification=<token>``.
"""

import re
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status

from config.api_errors import DomainError
from tenants import audit
from tenants.models import Domain, Tenant

_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class DomainNotVerified(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "not_verified"


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


def add_custom_domain(*, tenant: Tenant, hostname: str, actor_label: str = "") -> Domain:
    """Register ``hostname`` for the store, unverified; ValidationError when unusable."""
    hostname = (hostname or "").strip().lower().rstrip(".")
    if not _HOSTNAME.match(hostname):
        raise ValidationError({"domain": ["Enter a domain name such as shop.example.com."]})
    platform = settings.PLATFORM_DOMAIN
    if hostname == platform or hostname.endswith(f".{platform}"):
        raise ValidationError({"domain": ["Subdomains of the platform cannot be added."]})
    try:
        with transaction.atomic():
            domain = Domain.objects.create(
                domain=hostname, tenant=tenant, is_primary=False, is_verified=False
            )
    except IntegrityError as error:
        raise ValidationError({"domain": ["This domain is already in use."]}) from error
    audit.record(action="domain.added", tenant=tenant, actor_label=actor_label, domain=hostname)
    return domain


def verify_custom_domain(*, domain: Domain, resolver: TxtResolver | None = None) -> bool:
    """Check the domain's TXT record; mark it verified (it starts serving) when it matches."""
    if domain.is_verified:
        return True
    resolver = resolver or DnsTxtResolver()
    if domain.txt_record_value not in resolver.txt_records(domain.txt_record_name):
        return False
    domain.is_verified = True
    domain.verified_at = timezone.now()
    domain.save(update_fields=["is_verified", "verified_at"])
    audit.record(action="domain.verified", tenant=domain.tenant, domain=domain.domain)
    return True
