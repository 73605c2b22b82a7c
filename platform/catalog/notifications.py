"""Messages the catalog sends to the merchant."""

from django.conf import settings
from django.core.mail import send_mail

from accounts.models import User
from accounts.permissions import has_permission
from catalog.models import ProductVariant

LOW_STOCK_PERMISSION = "catalog.change_product"


def low_stock_recipients() -> list[str]:
    """Emails of the active staff who may change products (the owner always can)."""
    staff = User.objects.filter(is_active=True).exclude(staff_role="").exclude(email="")
    return sorted(
        user.email for user in staff.order_by("pk") if has_permission(user, LOW_STOCK_PERMISSION)
    )


def notify_low_stock(*, variant_id: int) -> list[str]:
    """Email the catalog's staff that a variant's available stock is at or below its threshold.

    Skipped (returns []) if the variant is gone or was restocked before the email went out.
    """
    variant = ProductVariant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None or variant.stock_available > variant.low_stock_threshold:
        return []
    recipients = low_stock_recipients()
    if not recipients:
        return []
    send_mail(
        subject=f"Low stock: {variant.product.name} ({variant.sku})",
        message=(
            f"{variant.product.name}, SKU {variant.sku}, has {variant.stock_available} "
            f"available (low-stock threshold: {variant.low_stock_threshold}).\n"
            "Restock it or adjust the threshold in the catalog."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return recipients
