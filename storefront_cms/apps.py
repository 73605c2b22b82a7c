from django.apps import AppConfig


class StorefrontCmsConfig(AppConfig):
    name = "storefront_cms"
    verbose_name = "Storefront"

    def ready(self) -> None:
        from storefront_cms import caching, provisioning  # noqa: F401 - connects receivers
        from storefront_cms.shell import connect_signals

        connect_signals()
        caching.connect_signals()
