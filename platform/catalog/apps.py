from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from catalog.models import Product
        from tenants.limits import register_usage_counter

        register_usage_counter("products", lambda: Product.objects.count())
