"""Storefront routes of the account's lists, mounted at /account/wishlists/ (the shared-list
page is in wishlists.shared_urls, mounted at /wishlists/)."""

from django.urls import path

from wishlists import views

urlpatterns = [
    path("", views.wishlist_index, name="wishlist-index"),
    path("new/", views.wishlist_create, name="wishlist-create"),
    path("add/", views.wishlist_add, name="wishlist-add"),
    path("<int:pk>/", views.wishlist_detail, name="wishlist-detail"),
    path("<int:pk>/rename/", views.wishlist_rename, name="wishlist-rename"),
    path("<int:pk>/delete/", views.wishlist_delete, name="wishlist-delete"),
    path("<int:pk>/notifications/", views.wishlist_notifications, name="wishlist-notifications"),
    path("<int:pk>/share/", views.wishlist_share, name="wishlist-share"),
    path("<int:pk>/unshare/", views.wishlist_unshare, name="wishlist-unshare"),
    path(
        "<int:pk>/items/<int:variant_id>/remove/",
        views.wishlist_item_remove,
        name="wishlist-item-remove",
    ),
    path(
        "<int:pk>/items/<int:variant_id>/move-to-cart/",
        views.wishlist_item_move,
        name="wishlist-item-move",
    ),
]
