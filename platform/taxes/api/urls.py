"""Taxes routes, under /api/v1/taxes/ (staff)."""

from django.urls import include, path

from taxes.api import views

staff = [
    path("classes/", views.TaxClassListView.as_view(), name="taxes-classes"),
    path("classes/<int:pk>/", views.TaxClassDetailView.as_view(), name="taxes-class"),
    path("rates/", views.TaxRateListView.as_view(), name="taxes-rates"),
    path("rates/<int:pk>/", views.TaxRateDetailView.as_view(), name="taxes-rate"),
    path("settings/", views.TaxSettingsView.as_view(), name="taxes-settings"),
]

urlpatterns = [path("taxes/", include(staff))]
