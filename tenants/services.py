"""Writes on stores: signup and provisioning, suspension, plans, deletion and export."""

from datetime import timedelta
from functools import cache, partial
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django_tenants.utils import schema_context

import money
from tenants import audit, currency_locks, state
from tenants.cloning import clone_template_schema
from tenants.errors import CurrencyLocked, InvalidStoreDetails
from tenants.export import export_store_data  # noqa: F401  (the export is a store service)
from tenants.models import FREE_PLAN_CODE, Domain, Plan, Subscription, Tenant
from tenants.pool import take_pooled_schema
from tenants.signals import store_details_changed, store_provisioned
from tenants.state import StoreTransition
from tenants.storage import delete_store_files
from tenants.subdomains import is_taken, normalize_subdomain, schema_name_for

DEFAULT_PLAN_CODE = FREE_PLAN_CODE


class ProvisioningError(Exception):
    """A store could not be provisioned; nothing of it was kept."""


def sign_up_store(
    *,
    store_name: str,
    subdomain: str,
    owner_email: str,
    owner_password: str,
    plan_code: str = DEFAULT_PLAN_CODE,
    currency: str = money.DEFAULT_CURRENCY,
) -> Tenant:
    """Open a new store, live at ``<subdomain>.<PLATFORM_DOMAIN>`` when this returns, selling
    in ``currency`` (one of money.CURRENCIES; changeable later while it has no orders).

    Validates every field first (ValidationError with a message per field, nothing created),
    then provisions the store and its owner in one transaction. Of two signups racing for one
    subdomain exactly one wins; the other gets a ValidationError on ``subdomain``. The welcome
    email is sent by Celery once the store is committed. The signup is in the audit log.
    """
    slug, plan = _validate_signup(
        store_name=store_name,
        subdomain=subdomain,
        owner_email=owner_email,
        owner_password=owner_password,
        plan_code=plan_code,
        currency=currency,
    )
    try:
        tenant = provision_store(
            name=store_name.strip(),
            slug=slug,
            plan=plan,
            owner_email=owner_email,
            owner_password=owner_password,
            currency=(currency or money.DEFAULT_CURRENCY).strip().upper(),
        )
    except (IntegrityError, ProgrammingError) as error:
        # A concurrent signup took the name (the Tenant row, or its schema) after validation.
        if isinstance(error, ProgrammingError) and not _is_duplicate_schema(error):
            raise
        raise ValidationError({"subdomain": ["This subdomain is taken."]}) from error
    audit.record(
        action="store.signed_up",
        tenant=tenant,
        actor_label=tenant.owner_email,
        plan=plan.code,
        currency=tenant.currency,
    )

    from tenants.tasks import send_welcome_email

    transaction.on_commit(lambda: send_welcome_email.delay(tenant.pk))
    return tenant


def _is_duplicate_schema(error: ProgrammingError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "42P06"  # duplicate_schema


def _validate_signup(
    *,
    store_name: str,
    subdomain: str,
    owner_email: str,
    owner_password: str,
    plan_code: str,
    currency: str = money.DEFAULT_CURRENCY,
) -> tuple[str, Plan]:
    from accounts.models import User

    errors: dict[str, list[str]] = {}
    slug = ""
    if not (store_name or "").strip():
        errors["store_name"] = ["Give your store a name."]
    elif len(store_name.strip()) > 100:
        errors["store_name"] = ["Use at most 100 characters."]
    try:
        slug = normalize_subdomain(subdomain)
        if is_taken(slug):
            errors["subdomain"] = ["This subdomain is taken."]
    except ValidationError as error:
        errors["subdomain"] = error.messages
    try:
        validate_email(owner_email or "")
    except ValidationError:
        errors["owner_email"] = ["Enter a valid email address."]
    try:
        validate_password(owner_password or "", User(email=owner_email, username=owner_email))
    except ValidationError as error:
        errors["owner_password"] = error.messages
    plan = Plan.objects.filter(code=plan_code or DEFAULT_PLAN_CODE, is_public=True).first()
    if plan is None:
        errors["plan"] = ["Choose one of the offered plans."]
    if (currency or money.DEFAULT_CURRENCY).strip().upper() not in money.CURRENCIES:
        errors["currency"] = ["Choose one of the offered currencies."]
    if errors:
        raise ValidationError(errors)
    return slug, plan


def provision_store(
    *,
    name: str,
    slug: str,
    plan: Plan | None = None,
    owner_email: str = "",
    owner_password: str | None = None,
    schema_name: str | None = None,
    plan_is_complimentary: bool = False,
    currency: str = money.DEFAULT_CURRENCY,
) -> Tenant:
    """Create a live store: Tenant row, schema cloned from the template, domain, owner.

    The schema is a ready one taken from the warm pool (renamed, instant) or, when the pool is
    empty, a fresh clone of the template.

    Runs in one transaction (PostgreSQL DDL is transactional): the schema, its rows, the domain
    and the owner are created together, and ``store_provisioned`` receivers run inside it, in
    the new schema. Any failure leaves nothing behind, schema included.
    """
    from accounts.services import create_store_owner

    schema_name = schema_name or schema_name_for(slug)
    plan = plan or Plan.objects.filter(code=FREE_PLAN_CODE).first()
    if connection.schema_name != "public":
        raise ProvisioningError("stores are provisioned from the public schema")
    with transaction.atomic():
        tenant = Tenant.objects.create(
            name=name,
            slug=slug,
            schema_name=schema_name,
            status=Tenant.Status.ACTIVE,
            plan=plan,
            plan_is_complimentary=plan_is_complimentary,
            owner_email=owner_email.lower(),
            currency=currency,
        )
        Subscription.objects.create(tenant=tenant)
        if not take_pooled_schema(schema_name):
            clone_template_schema(schema_name)
        Domain.objects.create(domain=tenant.primary_host, tenant=tenant, is_primary=True)
        with schema_context(schema_name):
            if owner_password is not None:
                create_store_owner(email=owner_email, password=owner_password)
            store_provisioned.send(sender=Tenant, tenant=tenant)
    if settings.STORE_POOL_SIZE:
        transaction.on_commit(_refill_pool_later)
    return tenant


def _refill_pool_later() -> None:
    from tenants.tasks import refill_store_pool

    refill_store_pool.delay()


def suspend_store(
    *,
    tenant: Tenant,
    reason: str,
    actor=None,
    actor_label: str = "",
    note: str = "",
) -> Tenant:
    """Take the store offline (storefront answers 503); its data is untouched.

    Raises IllegalTransition unless the store is active. Audited with who/when/from/to and
    ``note`` (why, in the admin's words).
    """
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        state.apply(
            tenant=tenant,
            transition=StoreTransition.SUSPEND,
            actor=actor,
            actor_label=actor_label,
            reason=reason,
            note=note,
        )
        tenant.suspension_reason = reason
        tenant.suspended_at = timezone.now()
        tenant.save(update_fields=["status", "suspension_reason", "suspended_at", "updated_at"])
    return tenant


def reactivate_store(
    *,
    tenant: Tenant,
    actor=None,
    actor_label: str = "",
    note: str = "",
) -> Tenant:
    """Bring a suspended store back online.

    Raises IllegalTransition unless the store is suspended. Audited with who/when/from/to and
    ``note`` (why).
    """
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        state.apply(
            tenant=tenant,
            transition=StoreTransition.REACTIVATE,
            actor=actor,
            actor_label=actor_label,
            previous_reason=tenant.suspension_reason,
            note=note,
        )
        tenant.suspension_reason = ""
        tenant.suspended_at = None
        tenant.save(update_fields=["status", "suspension_reason", "suspended_at", "updated_at"])
    return tenant


def change_plan(*, tenant: Tenant, plan: Plan, actor=None, actor_label: str = "") -> Tenant:
    """Move the store to another plan (its limits apply from now on)."""
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        previous = tenant.plan.code if tenant.plan else None
        if previous == plan.code:
            return tenant
        tenant.plan = plan
        tenant.save(update_fields=["plan", "updated_at"])
        audit.record(
            action="store.plan_changed",
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            previous_plan=previous,
            plan=plan.code,
        )
    return tenant


def set_plan_complimentary(
    *, tenant: Tenant, granted: bool, actor=None, actor_label: str = ""
) -> Tenant:
    """Grant the store its plan without a subscription (or take the grant back); audited."""
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.plan_is_complimentary == granted:
            return tenant
        tenant.plan_is_complimentary = granted
        tenant.save(update_fields=["plan_is_complimentary", "updated_at"])
        audit.record(
            action="store.plan_granted" if granted else "store.plan_grant_withdrawn",
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            plan=tenant.plan.code if tenant.plan else None,
        )
    return tenant


def delete_store(
    *,
    tenant: Tenant,
    actor=None,
    actor_label: str = "",
    note: str = "",
) -> Tenant:
    """Soft-delete: the store goes offline at once; its schema is dropped after retention.

    Raises IllegalTransition unless the store is live. Audited with who/when/from/to and
    ``note`` (why).
    """
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        now = timezone.now()
        purge_after = now + timedelta(days=settings.STORE_RETENTION_DAYS)
        state.apply(
            tenant=tenant,
            transition=StoreTransition.DELETE,
            actor=actor,
            actor_label=actor_label,
            purge_after=purge_after.isoformat(),
            note=note,
        )
        tenant.deleted_at = now
        tenant.purge_after = purge_after
        tenant.save(update_fields=["status", "deleted_at", "purge_after", "updated_at"])
    return tenant


def purge_deleted_stores(*, now=None) -> list[str]:
    """Drop the schemas of stores deleted longer ago than the retention period, and their
    files (after commit).

    Each store is purged in its own transaction; invoices and audit entries are kept (their
    store reference is cleared). Returns the purged slugs.
    """
    now = now or timezone.now()
    purged = []
    due = Tenant.objects.filter(status=Tenant.Status.DELETED, purge_after__lte=now)
    for tenant_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            tenant = (
                Tenant.objects.select_for_update(skip_locked=True)
                .filter(pk=tenant_id, status=Tenant.Status.DELETED, purge_after__lte=now)
                .first()
            )
            if tenant is None:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
            transaction.on_commit(partial(delete_store_files, tenant.schema_name))
            audit.record(action="store.purged", tenant=None, slug=tenant.slug)
            tenant.delete()
            purged.append(tenant.slug)
    return purged


# --- Store details (the owner's, from the store admin) -----------------------------------------

STORE_DETAIL_LIMITS = {
    "name": 100,
    "address_line1": 200,
    "address_line2": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
}


def update_store_details(
    *,
    tenant: Tenant,
    name: str,
    contact_email: str = "",
    address_line1: str = "",
    address_line2: str = "",
    city: str = "",
    region: str = "",
    postal_code: str = "",
    country: str = "",
    weight_unit: str = Tenant.WeightUnit.KILOGRAM,
    time_zone: str = "UTC",
    abandoned_cart_hours: int | None = None,
    actor_label: str = "",
) -> Tenant:
    """Change the store's details: name, contact email, address, weight unit and time zone,
    and the abandoned-cart delay (hours, 1 to 720; None keeps it).

    Every field is checked first; InvalidStoreDetails names each bad one and nothing is saved.
    The row is locked while it changes; the change is audited (which fields, by whom) and
    ``store_details_changed`` is sent once it is committed.
    """
    values = {
        "name": (name or "").strip(),
        "contact_email": (contact_email or "").strip().lower(),
        "address_line1": (address_line1 or "").strip(),
        "address_line2": (address_line2 or "").strip(),
        "city": (city or "").strip(),
        "region": (region or "").strip(),
        "postal_code": (postal_code or "").strip(),
        "country": (country or "").strip().upper(),
        "weight_unit": weight_unit,
        "time_zone": (time_zone or "").strip(),
    }
    if abandoned_cart_hours is not None:
        values["abandoned_cart_hours"] = abandoned_cart_hours
    _check_store_details(values)
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        changed = [field for field, value in values.items() if getattr(tenant, field) != value]
        if not changed:
            return tenant
        for field in changed:
            setattr(tenant, field, values[field])
        tenant.save(update_fields=[*changed, "updated_at"])
        audit.record(
            action="store.details_changed", tenant=tenant, actor_label=actor_label, fields=changed
        )
        transaction.on_commit(
            partial(store_details_changed.send, sender=Tenant, tenant=tenant, fields=changed)
        )
    return tenant


def set_store_currency(tenant: Tenant, currency: str, *, actor_label: str = "") -> Tenant:
    """Change the currency the store sells in (prices keep their amounts: 12.00 USD becomes
    12.00 EUR; nothing is converted).

    Refused, nothing changed, when the currency is not one a store may sell in
    (InvalidStoreDetails on ``currency``); when a currency lock holds, that is, once the store
    has orders (CurrencyLocked, 409, on ``currency``; tenants.currency_locks); and when a
    price has more decimals than the new currency has (12.50 in a store going to JPY). The
    store's row is locked while it changes; the change is audited; once committed the store's
    catalog version is bumped, so cached pages and API answers show the new currency (search
    documents hold amounts only: the currency is read from the store).
    """
    code = (currency or "").strip().upper()
    if code not in money.CURRENCIES:
        message = "Choose one of the offered currencies."
        raise InvalidStoreDetails(message, fields={"currency": [message]})
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.currency == code:
            return tenant
        with schema_context(tenant.schema_name):
            reasons = currency_locks.reasons_locked(tenant)
            if reasons:
                raise CurrencyLocked(" ".join(reasons), fields={"currency": reasons})
            _check_prices_fit(code)
        previous = tenant.currency
        tenant.currency = code
        tenant.save(update_fields=["currency", "updated_at"])
        audit.record(
            action="store.currency_changed",
            tenant=tenant,
            actor_label=actor_label,
            fields=["currency"],
            from_currency=previous,
            to_currency=code,
        )
        transaction.on_commit(partial(_catalog_changed, tenant.schema_name))
        transaction.on_commit(
            partial(store_details_changed.send, sender=Tenant, tenant=tenant, fields=["currency"])
        )
    return tenant


def _check_prices_fit(currency: str) -> None:
    """Refuse a currency the store's prices cannot be written in (run in the store's schema)."""
    from catalog.models import ProductVariant
    from catalog.services import PRICE_FIELDS

    places = money.minor_units(currency)
    unfit = Q()
    for name in PRICE_FIELDS:
        unfit |= Q(**{f"{name}__isnull": False}) & ~Q(**{name: Round(F(name), places)})
    examples = list(
        ProductVariant.objects.filter(unfit).order_by("pk").values_list("sku", flat=True)[:3]
    )
    if examples:
        message = (
            f"{money.precision_message(currency)} Some prices have more decimals "
            f"(SKU {', '.join(examples)}): change them first."
        )
        raise InvalidStoreDetails(message, fields={"currency": [message]})


def _catalog_changed(schema_name: str) -> None:
    from catalog.catalog_version import bump_catalog_version

    with schema_context(schema_name):
        bump_catalog_version()


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA time zones a store may be in, sorted (read from the system once)."""
    return tuple(sorted(available_timezones()))


def _check_store_details(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    if not values["name"]:
        errors["name"] = ["Give your store a name."]
    for field, limit in STORE_DETAIL_LIMITS.items():
        if field not in errors and len(values[field]) > limit:
            errors[field] = [f"Use at most {limit} characters."]
    if values["contact_email"]:
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            errors["contact_email"] = ["Enter a valid email address."]
    if values["country"] and not (len(values["country"]) == 2 and values["country"].isalpha()):
        errors["country"] = ["Use the two-letter country code (ISO 3166-1), such as FR or US."]
    if values["weight_unit"] not in Tenant.WeightUnit.values:
        errors["weight_unit"] = ["Choose one of the offered units."]
    if values["time_zone"] not in time_zone_names():
        errors["time_zone"] = ["Choose a time zone such as Europe/Paris or America/New_York."]
    hours = values.get("abandoned_cart_hours", 1)
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 720:
        errors["abandoned_cart_hours"] = ["Use a whole number of hours from 1 to 720."]
    if errors:
        raise InvalidStoreDetails("Some store details are not valid.", fields=errors)
