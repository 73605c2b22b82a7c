"""Payments in the store admin: Settings > Payments (payments/store_admin/), and the
dashboard's "Set up payments" step, done once the store offers a payment method."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.permissions import (
    MANAGE_PAYMENTS,
    VIEW_ORDER_PAYMENTS,
    VIEW_PAYMENTS,
    has_permission,
)
from orders.wagtail_hooks import ORDERS_MENU_HOOK
from payments import selectors
from payments.store_admin import screens
from tenants.store_admin.dashboard import GETTING_STARTED_HOOK, GettingStartedStep
from tenants.wagtail_hooks import StoreSettingsMenuItem


@hooks.register("register_admin_urls")
def register_payments_urls():
    return [
        path("payments/", screens.payment_settings, name="payments_settings"),
        path(
            "payments/credentials/<slug:code>/",
            screens.provider_credentials,
            name="payments_credentials",
        ),
        path("payments/mismatches/", screens.mismatches, name="payments_mismatches"),
    ]


class MismatchesMenuItem(MenuItem):
    """Under Orders, for whoever may read payments."""

    def is_shown(self, request):
        return has_permission(request.user, VIEW_ORDER_PAYMENTS)


@hooks.register(ORDERS_MENU_HOOK)
def register_mismatches_menu_item() -> MenuItem:
    return MismatchesMenuItem(
        "Payment mismatches", "/admin/payments/mismatches/", icon_name="warning", order=150
    )


@hooks.register("register_settings_menu_item")
def register_payments_menu_item():
    # After Shipping (17), before Taxes (30).
    return StoreSettingsMenuItem(
        "Payments", "payments_settings", permission=VIEW_PAYMENTS, icon_name="form", order=18
    )


@hooks.register(GETTING_STARTED_HOOK)
def payments_step(request, steps: list[GettingStartedStep]) -> None:
    """Replace "Set up payments" (coming soon) by the live step: done once a method is
    enabled."""
    live = GettingStartedStep(
        key="payments",
        label="Set up payments",
        done=selectors.payments_are_set_up(),
        url=reverse("payments_settings") if has_permission(request.user, MANAGE_PAYMENTS) else "",
        help="How shoppers pay: cash on delivery, invoice, cards, PayPal or crypto.",
    )
    for position, step in enumerate(steps):
        if step.key == "payments":
            steps[position] = live
            return
    steps.append(live)


@hooks.register("register_admin_urls")
def register_stripe_connect_urls():
    """Settings > Payments > Connect with Stripe (payments/store_admin/stripe_connect.py)."""
    from payments.store_admin import stripe_connect

    return [
        path("payments/stripe/connect/", stripe_connect.connect, name="payments_stripe_connect"),
        path(
            "payments/stripe/connect/return/",
            stripe_connect.connect_return,
            name="payments_stripe_connect_return",
        ),
    ]
