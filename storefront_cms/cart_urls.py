"""The storefront's cart pages (storefront_cms.cart_views), under ``/cart/``."""

from django.urls import path

from storefront_cms import cart_views

urlpatterns = [
    path("", cart_views.cart_view, name="storefront-cart"),
    path("add/", cart_views.add_view, name="storefront-cart-add"),
    path("mini/", cart_views.mini_cart_view, name="storefront-mini-cart"),
    path("lines/<int:variant_id>/", cart_views.update_line_view, name="storefront-cart-line"),
    path(
        "lines/<int:variant_id>/remove/",
        cart_views.remove_line_view,
        name="storefront-cart-line-remove",
    ),
]
