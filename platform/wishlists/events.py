"""What the wishlists listen to: the catalog (a committed product change may call for
price-drop or back-in-stock emails, worked out by Celery in the store's schema) and the
accounts (a person's erasure takes their lists with it)."""

from django_tenants.utils import schema_context


def queue_notifications(
    sender, *, schema_name: str, product_ids: list[int], deleted: bool, **kwargs
):
    """Receiver of catalog.events.products_changed: one Celery task per event (none for
    deleted products: their wishlist items went with them)."""
    if deleted:
        return
    from wishlists.tasks import notify_wishlist_watchers

    with schema_context(schema_name):
        notify_wishlist_watchers.delay(list(product_ids))


def erase_wishlists(sender, *, user, **kwargs):
    """Receiver of accounts.events.account_erased: what a person wished for is theirs."""
    from wishlists import services

    services.erase_wishlists(user=user)
