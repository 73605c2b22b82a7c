"""The taxes' screens in the store admin: Settings > Taxes (settings, classes, rates).

The screens live in taxes/store_admin/; CONTRIBUTING.md ("Store admin screens") says how.
"""

from django.urls import path
from wagtail import hooks

from accounts.permissions import VIEW_TAXES
from taxes.store_admin import screens
from tenants.wagtail_hooks import StoreSettingsMenuItem


@hooks.register("register_admin_urls")
def register_taxes_urls():
    return [
        path("taxes/", screens.tax_settings, name="taxes_settings"),
        path("taxes/classes/", screens.tax_classes, name="taxes_classes"),
        path("taxes/classes/<int:pk>/", screens.tax_class_edit, name="taxes_class_edit"),
        path("taxes/classes/<int:pk>/delete/", screens.tax_class_delete, name="taxes_class_delete"),
        path("taxes/rates/", screens.tax_rates, name="taxes_rates"),
        path("taxes/rates/add/", screens.tax_rate_add, name="taxes_rate_add"),
        path("taxes/rates/<int:pk>/", screens.tax_rate_edit, name="taxes_rate_edit"),
        path("taxes/rates/<int:pk>/delete/", screens.tax_rate_delete, name="taxes_rate_delete"),
    ]


@hooks.register("register_settings_menu_item")
def register_taxes_menu_item():
    # After the store's own settings (tenants.wagtail_hooks: 10 and on), before Wagtail's.
    return StoreSettingsMenuItem(
        "Taxes", "taxes_settings", permission=VIEW_TAXES, icon_name="cogs", order=30
    )
