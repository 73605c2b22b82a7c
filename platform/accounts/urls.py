"""Storefront account pages (sign-in, sign-up, passwords and two-factor are allauth's)."""

from django.urls import include, path

from accounts import views

urlpatterns = [
    path("", views.profile, name="account-profile"),
    path("addresses/new/", views.address_edit, name="account-address-new"),
    path("addresses/<int:pk>/", views.address_edit, name="account-address-edit"),
    path("addresses/<int:pk>/delete/", views.address_delete, name="account-address-delete"),
    path("delete/", views.delete_account, name="account-delete"),
    path(
        "company/invitations/<str:secret>/",
        views.company_invitation,
        name="account-company-invitation",
    ),
    path("orders/", include("orders.account_urls")),
]
