"""Rules for a store's subdomain: DNS label syntax, reserved names, availability.

A store's subdomain is also its PostgreSQL schema's name (:func:`schema_name_for`), so a name
is available only when neither a store nor a schema has it, PostgreSQL's own included.
"""

import re

from django.core.exceptions import ValidationError
from django.db import connection

from tenants.models import Tenant

# Names the platform keeps for itself, or that would confuse people or mail and TLS systems.
RESERVED_SUBDOMAINS = frozenset(
    {
        "about", "account", "accounts", "admin", "api", "app", "apps", "assets", "auth",
        "billing", "blog", "cdn", "dashboard", "dev", "docs", "email", "ftp", "help", "imap",
        "login", "mail", "media", "mercato", "mx", "ns", "ns1", "ns2", "platform", "pop",
        "pop3", "root", "signup", "smtp", "ssl", "staging", "static", "status", "store",
        "stores", "support", "test", "webmail", "www",
        # Schemas PostgreSQL and the platform keep (see schema_name_for).
        "public", "information-schema", "store-template",
    }
)  # fmt: skip
# PostgreSQL's own schemas (pg_catalog, pg_toast, pg_temp_N...) and the warm pool's (pool_<hex>).
RESERVED_PREFIXES = ("pg-", "pool-")
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
    if slug in RESERVED_SUBDOMAINS or slug.startswith(RESERVED_PREFIXES):
        raise ValidationError("This name is reserved.", code="reserved")
    return slug


def schema_name_for(slug: str) -> str:
    """The PostgreSQL schema of the store at ``slug`` (one-to-one: slugs have no "_")."""
    return slug.replace("-", "_")


def is_taken(slug: str) -> bool:
    """Whether a store has this subdomain, or a schema (any, not only a store's) its name."""
    schema_name = schema_name_for(slug)
    if Tenant.objects.filter(slug=slug).exists():
        return True
    if Tenant.objects.filter(schema_name=schema_name).exists():
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cursor.fetchone() is not None


def check_availability(value: str) -> tuple[str | None, str | None]:
    """(normalized subdomain, None) when it can be had, else (None or slug, reason)."""
    try:
        slug = normalize_subdomain(value)
    except ValidationError as error:
        return None, error.messages[0]
    if is_taken(slug):
        return slug, "This subdomain is taken."
    return slug, None
