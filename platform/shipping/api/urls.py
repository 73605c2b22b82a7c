"""Shipping routes under /api/v1/shipping/: staff zones and options, the public quote."""

from django.urls import path

from shipping.api import views

urlpatterns = [
    path("shipping/zones/", views.ZoneListView.as_view(), name="shipping-zones"),
    path("shipping/zones/<int:pk>/", views.ZoneDetailView.as_view(), name="shipping-zone"),
    path(
        "shipping/zones/<int:zone_pk>/options/",
        views.OptionListView.as_view(),
        name="shipping-zone-options",
    ),
    path(
        "shipping/zones/<int:zone_pk>/options/<int:pk>/",
        views.OptionDetailView.as_view(),
        name="shipping-zone-option",
    ),
    path("shipping/options/", views.QuoteView.as_view(), name="shipping-options"),
]
