"""Stores (tenants) and the host names that route to them. Lives in the public schema."""

from django.conf import settings
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """A merchant's store, with its own PostgreSQL schema.

    Besides live stores, two kinds of rows exist that no host routes to: the *template* schema
    every store is provisioned from, which ``migrate_schemas`` keeps in step with the migrations
    like any other schema.
    """

    class Status(models.TextChoices):
        TEMPLATE = "template", "Template"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        DELETED = "deleted", "Deleted"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=63, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Schemas are created explicitly by tenants.services (cloned from the template, never
    # migrated from zero) and dropped by the retention task, never implicitly on save/delete.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    @property
    def is_template(self) -> bool:
        return self.status == self.Status.TEMPLATE

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"

    @property
    def primary_host(self) -> str:
        return f"{self.slug}.{settings.PLATFORM_DOMAIN}"

    @property
    def url(self) -> str:
        port = f":{settings.PLATFORM_URL_PORT}" if settings.PLATFORM_URL_PORT else ""
        return f"{settings.PLATFORM_URL_SCHEME}://{self.primary_host}{port}/"


class Domain(DomainMixin):
    """A host name that serves a store: its platform subdomain, or a custom domain."""

    def __str__(self) -> str:
        return self.domain
