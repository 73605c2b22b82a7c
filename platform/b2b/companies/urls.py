"""The company area of the storefront, under /account/company/."""

from django.urls import path

from b2b.companies import views

urlpatterns = [
    path("", views.overview, name="company-overview"),
    path("apply/", views.apply, name="company-apply"),
    path("members/", views.members, name="company-members"),
    path("members/<int:pk>/", views.member_update, name="company-member-update"),
    path("members/<int:pk>/remove/", views.member_remove, name="company-member-remove"),
    path("locations/", views.locations, name="company-locations"),
    path("locations/new/", views.location_edit, name="company-location-new"),
    path("locations/<int:pk>/", views.location_edit, name="company-location-edit"),
    path("locations/<int:pk>/delete/", views.location_delete, name="company-location-delete"),
    path("api-keys/", views.api_keys, name="company-api-keys"),
    path("api-keys/<int:pk>/revoke/", views.api_key_revoke, name="company-api-key-revoke"),
]
