"""The catalog in the store admin (Wagtail): one "Catalog" menu group.

Its items, in this order: Products, Categories, Brands, Attributes, Product types, Inventory,
Import & export, Search synonyms. Each screen lives in catalog/store_admin/ (the synonyms in
search/store_admin/) and writes only through its app's services; who may do what is the one
permission layer's (accounts.permissions), asked through ``user.has_perm``, and each menu
item shows only to people whose role may use it.
"""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from catalog.store_admin.categories import CategoryViewSet
from catalog.store_admin.inventory import InventoryViewSet
from catalog.store_admin.products import BULK_ACTIONS, ProductViewSet
from catalog.store_admin.taxonomy import AttributeViewSet, BrandViewSet, ProductTypeViewSet
from catalog.store_admin.transfer import TransferViewSet
from search.store_admin.synonyms import SynonymViewSet


class CatalogViewSetGroup(ViewSetGroup):
    menu_label = "Catalog"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        ProductViewSet,
        CategoryViewSet("categories"),
        BrandViewSet("brands"),
        AttributeViewSet("attributes"),
        ProductTypeViewSet("product_types"),
        InventoryViewSet("inventory"),
        TransferViewSet("catalog_transfer"),
        SynonymViewSet("search_synonyms"),
    )


@hooks.register("register_admin_viewset")
def register_catalog_viewsets():
    return CatalogViewSetGroup()


for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)
