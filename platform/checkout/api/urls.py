"""Checkout routes, under /api/v1/."""

from django.urls import path

from checkout.api import views

urlpatterns = [
    path("checkout/", views.CheckoutListView.as_view(), name="checkout"),
    path("checkout/<str:token>/", views.CheckoutView.as_view(), name="checkout-detail"),
    path(
        "checkout/<str:token>/delivery-options/",
        views.DeliveryOptionsView.as_view(),
        name="checkout-delivery-options",
    ),
    path("checkout/<str:token>/complete/", views.CompleteView.as_view(), name="checkout-complete"),
]
