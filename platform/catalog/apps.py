from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete
        from django_tenants.utils import schema_context

        from catalog import models
        from catalog.catalog_version import bump_after_commit, bump_catalog_version
        from catalog.events import products_changed
        from tenants.limits import register_usage_counter

        register_usage_counter("products", lambda: models.Product.objects.count())

        def bump_for_products(sender, schema_name, **kwargs):
            with schema_context(schema_name):
                bump_catalog_version()

        products_changed.connect(bump_for_products, weak=False)
        # Brands, categories, attributes and options show inside products' search documents.
        from catalog import dimensions

        for model in dimensions.DIMENSIONS:
            post_save.connect(dimensions.announce_on_save, sender=model, weak=False)
            pre_delete.connect(dimensions.announce_on_delete, sender=model, weak=False)
        # Changes that show in listings without going through the product services.
        for model in (
            models.Category,
            models.Brand,
            models.Attribute,
            models.AttributeOption,
            models.ProductImage,
        ):
            post_save.connect(bump_after_commit, sender=model, weak=False)
            post_delete.connect(bump_after_commit, sender=model, weak=False)
