"""The storefront's admin pieces: the product and category choosers of its blocks."""

from wagtail import hooks

from storefront_cms.choosers import category_chooser_viewset, product_chooser_viewset


@hooks.register("register_admin_viewset")
def register_catalog_choosers():
    return [product_chooser_viewset, category_chooser_viewset]
