"""Wishlist routes, under /api/v1/wishlists/."""

from django.urls import path

from wishlists.api import views

urlpatterns = [
    path("wishlists/", views.WishlistListView.as_view(), name="api-wishlists"),
    path(
        "wishlists/shared/<str:token>/",
        views.SharedWishlistView.as_view(),
        name="api-wishlist-shared",
    ),
    path("wishlists/<int:pk>/", views.WishlistDetailView.as_view(), name="api-wishlist"),
    path(
        "wishlists/<int:pk>/items/",
        views.WishlistItemListView.as_view(),
        name="api-wishlist-items",
    ),
    path(
        "wishlists/<int:pk>/items/<int:variant_id>/",
        views.WishlistItemDetailView.as_view(),
        name="api-wishlist-item",
    ),
    path(
        "wishlists/<int:pk>/items/<int:variant_id>/move-to-cart/",
        views.WishlistItemMoveView.as_view(),
        name="api-wishlist-item-move",
    ),
    path("wishlists/<int:pk>/share/", views.WishlistShareView.as_view(), name="api-wishlist-share"),
]
