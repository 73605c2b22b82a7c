"""Writes on stores: signup and provisioning, suspension, plans, deletion and export."""

from datetime import timedelta
from functools import partial

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants import audit
from tenants.cloning import clone_template_schema
from tenants.models import Domain, Plan, Subscription, Tenant
from tenants.pool import take_pooled_schema
from tenants.signals import store_provisioned
from tenants.storage import delete_store_files
from tenants.subdomains import is_taken, normalize_subdomain

DEFAULT_PLAN_CODE = "free"


class ProvisioningError(Exception):
    """A store could not be provisioned; nothing of it was kept."""


def sign_up_store(
    *,
    store_name: str,
    subdomain: str,
    owner_email: str,
    owner_password: str,
    plan_code: str = DEFAULT_PLAN_CODE,
) -> Tenant:
    """Open a new store, live at ``<subdomain>.<PLATFORM_DOMAIN>`` when this returns.

    Validates every field first (ValidationError with a message per field, nothing created),
    then provisions the store and its owner in one transaction. Of two signups racing for one
    subdomain exactly one wins; the other gets a ValidationError on ``subdomain``. The welcome
    email is sent by Celery once the store is committed.
    """
    slug, plan = _validate_signup(
        store_name=store_name,
        subdomain=subdomain,
        owner_email=owner_email,
        owner_password=owner_password,
        plan_code=plan_code,
    )
    try:
        tenant = provision_store(
            name=store_name.strip(),
            slug=slug,
            plan=plan,
            owner_email=owner_email,
            owner_password=owner_password,
        )
    except IntegrityError as error:
        raise ValidationError({"subdomain": ["This subdomain is taken."]}) from error

    from tenants.tasks import send_welcome_email

    transaction.on_commit(lambda: send_welcome_email.delay(tenant.pk))
    return tenant


def _validate_signup(
    *, store_name: str, subdomain: str, owner_email: str, owner_password: str, plan_code: str
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
) -> Tenant:
    """Create a live store: Tenant row, schema cloned from the template, domain, owner.

    The schema is a ready one taken from the warm pool (renamed, instant) or, when the pool is
    empty, a fresh clone of the template.

    Runs in one transaction (PostgreSQL DDL is transactional): the schema, its rows, the domain
    and the owner are created together, and ``store_provisioned`` receivers run inside it, in
    the new schema. Any failure leaves nothing behind, schema included.
    """
    from accounts.services import create_store_owner

    schema_name = schema_name or slug.replace("-", "_")
    plan = plan or Plan.objects.filter(code=DEFAULT_PLAN_CODE).first()
    if connection.schema_name != "public":
        raise ProvisioningError("stores are provisioned from the public schema")
    with transaction.atomic():
        tenant = Tenant.objects.create(
            name=name,
            slug=slug,
            schema_name=schema_name,
            status=Tenant.Status.ACTIVE,
            plan=plan,
            owner_email=owner_email.lower(),
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


def suspend_store(*, tenant: Tenant, reason: str, actor=None, actor_label: str = "") -> Tenant:
    """Take the store offline (storefront answers 503); its data is untouched."""
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status != Tenant.Status.ACTIVE:
            return tenant
        tenant.status = Tenant.Status.SUSPENDED
        tenant.suspension_reason = reason
        tenant.suspended_at = timezone.now()
        tenant.save(update_fields=["status", "suspension_reason", "suspended_at", "updated_at"])
        audit.record(
            action="store.suspended",
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            reason=reason,
        )
    return tenant


def reactivate_store(*, tenant: Tenant, actor=None, actor_label: str = "") -> Tenant:
    """Bring a suspended store back online."""
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status != Tenant.Status.SUSPENDED:
            return tenant
        previous_reason = tenant.suspension_reason
        tenant.status = Tenant.Status.ACTIVE
        tenant.suspension_reason = ""
        tenant.suspended_at = None
        tenant.save(update_fields=["status", "suspension_reason", "suspended_at", "updated_at"])
        audit.record(
            action="store.reactivated",
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            previous_reason=previous_reason,
        )
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


def delete_store(*, tenant: Tenant, actor=None, actor_label: str = "") -> Tenant:
    """Soft-delete: the store goes offline at once; its schema is dropped after retention."""
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status not in Tenant.LIVE_STATUSES:
            return tenant
        now = timezone.now()
        tenant.status = Tenant.Status.DELETED
        tenant.deleted_at = now
        tenant.purge_after = now + timedelta(days=settings.STORE_RETENTION_DAYS)
        tenant.save(update_fields=["status", "deleted_at", "purge_after", "updated_at"])
        audit.record(
            action="store.deleted",
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            purge_after=tenant.purge_after.isoformat(),
        )
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


# Never exported: secrets and credentials, even hashed ones.
_EXPORT_EXCLUDED_MODELS = {
    "sessions.session",
    "authtoken.token",
    "accounts.authtoken",
    "accounts.companyinvitation",
    "mfa.authenticator",
    "socialaccount.socialtoken",
    "socialaccount.socialapp",
    "contenttypes.contenttype",
    "auth.permission",
}
_EXPORT_EXCLUDED_FIELDS = {"accounts.user": {"password"}}


def export_store_data(*, tenant: Tenant) -> dict:
    """Everything a store holds, as JSON-ready data: one list of records per model.

    Secrets (password hashes, tokens, MFA secrets, OAuth app keys) are left out.
    """
    tenant_apps = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    data: dict[str, list] = {}
    with schema_context(tenant.schema_name):
        for model in apps.get_models():
            label = model._meta.label_lower
            app_config = model._meta.app_config
            if app_config.name.rsplit(".", 1)[-1] not in tenant_apps and (
                app_config.label not in tenant_apps
            ):
                continue
            if label in _EXPORT_EXCLUDED_MODELS or model._meta.proxy:
                continue
            excluded = _EXPORT_EXCLUDED_FIELDS.get(label, set())
            fields = [
                field.name
                for field in model._meta.local_fields
                if field.name not in excluded and not field.primary_key
            ]
            rows = serializers.serialize(
                "python", model._default_manager.order_by("pk"), fields=fields
            )
            if rows:
                data[label] = [{"pk": row["pk"], **row["fields"]} for row in rows]
    return {
        "store": {"name": tenant.name, "slug": tenant.slug, "exported_at": timezone.now()},
        "data": data,
    }
