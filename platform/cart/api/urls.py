"""Cart routes, under /api/v1/."""

from django.urls import path

from cart.api import views

urlpatterns = [
    path("cart/", views.CartView.as_view(), name="cart"),
    path("cart/lines/", views.CartLinesView.as_view(), name="cart-lines"),
    path("cart/lines/<int:variant_id>/", views.CartLineView.as_view(), name="cart-line"),
]
