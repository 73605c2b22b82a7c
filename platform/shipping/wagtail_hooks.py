"""Shipping in the store admin: Settings > Shipping (zones, their delivery options and rates:
shipping/store_admin/), and the dashboard's "Set up delivery" step, lit by the store's data."""

from django.urls import path, reverse
from wagtail import hooks

from accounts.permissions import MANAGE_SHIPPING, VIEW_SHIPPING, has_permission
from shipping import selectors
from shipping.store_admin import screens
from tenants.store_admin.dashboard import GETTING_STARTED_HOOK, GettingStartedStep
from tenants.wagtail_hooks import StoreSettingsMenuItem


@hooks.register("register_admin_urls")
def register_shipping_urls():
    return [
        path("shipping/", screens.zone_list, name="shipping_zones"),
        path("shipping/zones/new/", screens.zone_create, name="shipping_zone_add"),
        path("shipping/zones/<int:pk>/", screens.zone_edit, name="shipping_zone_edit"),
        path("shipping/zones/<int:pk>/delete/", screens.zone_delete, name="shipping_zone_delete"),
        path(
            "shipping/zones/<int:zone_pk>/options/new/",
            screens.option_create,
            name="shipping_option_add",
        ),
        path("shipping/options/<int:pk>/", screens.option_edit, name="shipping_option_edit"),
        path(
            "shipping/options/<int:pk>/delete/",
            screens.option_delete,
            name="shipping_option_delete",
        ),
    ]


@hooks.register("register_settings_menu_item")
def register_shipping_menu_item():
    # After the store's own settings (tenants.wagtail_hooks.STORE_SETTINGS: orders 10 to 16).
    return StoreSettingsMenuItem(
        "Shipping", "shipping_zones", permission=VIEW_SHIPPING, icon_name="globe", order=17
    )


@hooks.register(GETTING_STARTED_HOOK)
def delivery_step(request, steps: list[GettingStartedStep]) -> None:
    """Replace "Set up delivery" (coming soon) by the live step: done once an active zone
    offers an active option."""
    live = GettingStartedStep(
        key="delivery",
        label="Set up delivery",
        done=selectors.delivery_is_set_up(),
        url=reverse("shipping_zones") if has_permission(request.user, MANAGE_SHIPPING) else "",
        help="Where you deliver, at what rates, and local pickup.",
    )
    for position, step in enumerate(steps):
        if step.key == "delivery":
            steps[position] = live
            return
    steps.append(live)
