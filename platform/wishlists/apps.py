from django.apps import AppConfig


class WishlistsConfig(AppConfig):
    name = "wishlists"
    verbose_name = "Wishlists"

    def ready(self) -> None:
        from accounts.events import account_erased
        from catalog.events import products_changed
        from wishlists.events import erase_wishlists, queue_notifications

        products_changed.connect(
            queue_notifications, weak=False, dispatch_uid="wishlists.queue_notifications"
        )
        account_erased.connect(erase_wishlists, weak=False, dispatch_uid="wishlists.erase")
