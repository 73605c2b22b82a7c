from django.apps import AppConfig


class WishlistsConfig(AppConfig):
    name = "wishlists"
    verbose_name = "Wishlists"

    def ready(self) -> None:
        from catalog.events import products_changed
        from wishlists.events import queue_notifications

        products_changed.connect(
            queue_notifications, weak=False, dispatch_uid="wishlists.queue_notifications"
        )
