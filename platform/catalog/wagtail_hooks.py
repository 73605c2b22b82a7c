"""The catalog in the store admin (Wagtail): one "Catalog" menu of the store's screens.

Screens live in catalog/store_admin/ and write only through the catalog's services; who may do
what is the one permission layer's (accounts.permissions), asked through ``user.has_perm``.
"""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from catalog.store_admin.products import BULK_ACTIONS, ProductViewSet


class CatalogGroup(ViewSetGroup):
    menu_label = "Catalog"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    # In this order: Products, Categories, Brands, Attributes, Product types, Inventory,
    # Import & export.
    items = (ProductViewSet,)


@hooks.register("register_admin_viewset")
def register_catalog_menu():
    return CatalogGroup()


for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)
