"""Celery tasks of the wishlists: thin, idempotent, run in the store's schema that sent them."""

from celery import shared_task
from django.db import OperationalError

from wishlists import notifications


# The mail server or the database away: the claims were rolled back, so a retry sends once.
@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=5)
def notify_wishlist_watchers(product_ids: list[int]) -> int:
    """Email the shoppers who asked to hear of these products' price drops or restocks (at
    most one email per person, product and kind a day; a second delivery sends nothing)."""
    return len(notifications.notify_watchers(product_ids=product_ids))
