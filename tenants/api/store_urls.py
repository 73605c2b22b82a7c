"""A store's own billing, export, domain and currency routes (store hosts, /api/v1/)."""

from django.urls import path

from tenants.api import views

urlpatterns = [
    path("billing/", views.BillingView.as_view(), name="store-billing"),
    path("billing/checkout/", views.BillingCheckoutView.as_view(), name="store-billing-checkout"),
    path("store/export/", views.StoreExportView.as_view(), name="store-export"),
    path("store/currency/", views.StoreCurrencyView.as_view(), name="store-currency"),
    path("store/domains/", views.DomainListView.as_view(), name="store-domains"),
    path(
        "store/domains/<int:pk>/verify/",
        views.DomainVerifyView.as_view(),
        name="store-domain-verify",
    ),
]
