from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Stores"

    def ready(self) -> None:
        from django_tenants.signals import schema_migrated

        from tenants import template

        # Once the public schema is migrated, make sure the template store schema exists, so
        # that the same migrate_schemas run migrates it together with every store.
        schema_migrated.connect(template.ensure_template_after_public_migration)
