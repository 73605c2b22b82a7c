"""The orders' settings: where the store's own emails go (Settings > Notifications).

The order actions themselves (placing, fulfilling, refunding) are in orders.actions.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from orders.errors import InvalidOrderSettings
from orders.models import OrderSettings
from tenants import audit

STAFF_EMAIL_MAX_LENGTH = OrderSettings._meta.get_field("notify_staff_email").max_length


def set_staff_notification_email(*, email: str, actor_label: str = "") -> OrderSettings:
    """Send the store's emails (new orders, quote requests, accepted quotes) to ``email``;
    empty sends none.

    The address is trimmed and checked first (InvalidOrderSettings on
    ``notify_staff_email``, nothing changed). The settings row is locked while it changes; a
    change is audited (which setting and by whom, not the address itself).
    """
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            _refuse("Enter a valid email address, or leave it empty to send none.")
        if len(email) > STAFF_EMAIL_MAX_LENGTH:
            _refuse(f"Use at most {STAFF_EMAIL_MAX_LENGTH} characters.")
    with transaction.atomic():
        OrderSettings.objects.get_or_create(pk=1)
        settings = OrderSettings.objects.select_for_update().get(pk=1)
        if settings.notify_staff_email == email:
            return settings
        settings.notify_staff_email = email
        settings.save(update_fields=["notify_staff_email"])
        audit.record(
            action="orders.notifications_changed",
            tenant=audit.active_store(),
            actor_label=actor_label or "api",
            fields=["notify_staff_email"],
            sent=bool(email),
        )
    return settings


def _refuse(message: str) -> None:
    raise InvalidOrderSettings(
        "The notification settings were not saved.", fields={"notify_staff_email": [message]}
    )


def send_store_emails_to_the_owner(sender=None, *, tenant, **kwargs) -> None:
    """``store_provisioned``: a new store's emails go to its contact (or owner) email from
    the start, so that its first order reaches someone; the owner changes it in Settings >
    Notifications. A store provisioned without either email sends none; an address already
    set is kept."""
    email = (tenant.contact_email or tenant.owner_email or "").strip()
    if not email:
        return
    settings, _ = OrderSettings.objects.get_or_create(pk=1)
    if not settings.notify_staff_email:
        OrderSettings.objects.filter(pk=1).update(notify_staff_email=email)
