"""Rules for a store's subdomain: DNS label syntax, reserved names, availability."""

import re

from django.core.exceptions import ValidationError

from tenants.models import Tenant

# Names the platform keeps for itself, or that would confuse people or mail and TLS systems.
RESERVED_SUBDOMAINS = frozenset(
    {
        "about", "account", "accounts", "admin", "api", "app", "apps", "assets", "auth",
        "billing", "blog", "cdn", "dashboard", "dev", "docs", "email", "ftp", "help", "imap",
        "login", "mail", "media", "mercato", "mx", "ns", "ns1", "ns2", "platform", "pop",
        "pop3", "root", "signup", "smtp", "ssl", "staging", "static", "status", "store",
        "stores", "support", "test", "webmail", "www",
    }
)  # fmt: skip
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")


def normalize_subdomain(value: str) -> str:
    """Case-fold and check a wanted subdomain; ValidationError says what is wrong with it."""
    slug = (value or "").strip().lower()
    if not 3 <= len(slug) <= 63:
        raise ValidationError("Use between 3 and 63 characters.", code="length")
    if not _LABEL.match(slug):
        raise ValidationError(
            "Use lowercase letters, digits and hyphens only, not starting or ending with a hyphen.",
            code="syntax",
        )
    if "--" in slug[2:4]:
        # "xn--" and friends are punycode prefixes, not names merchants choose.
        raise ValidationError("This name is not allowed.", code="reserved")
    if slug in RESERVED_SUBDOMAINS:
        raise ValidationError("This name is reserved.", code="reserved")
    return slug


def is_taken(slug: str) -> bool:
    return Tenant.objects.filter(slug=slug).exists()


def check_availability(value: str) -> tuple[str | None, str | None]:
    """(normalized subdomain, None) when it can be had, else (None or slug, reason)."""
    try:
        slug = normalize_subdomain(value)
    except ValidationError as error:
        return None, error.messages[0]
    if is_taken(slug):
        return slug, "This subdomain is taken."
    return slug, None
