"""The shared-list page, mounted at /wishlists/: read-only, for anyone with the link."""

from django.urls import path

from wishlists import views

urlpatterns = [
    path("shared/<str:token>/", views.shared_wishlist, name="wishlist-shared"),
]
