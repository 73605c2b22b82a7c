"""B2B pricing routes (staff), under /api/v1/b2b/."""

from django.urls import path

from b2b.api import pricing as views

urlpatterns = [
    path("price-lists/", views.PriceListListView.as_view(), name="b2b-price-lists"),
    path("price-lists/<int:pk>/", views.PriceListDetailView.as_view(), name="b2b-price-list"),
    path(
        "price-lists/<int:pk>/entries/",
        views.EntryListView.as_view(),
        name="b2b-price-list-entries",
    ),
    path(
        "price-lists/<int:pk>/entries/import/",
        views.EntryImportView.as_view(),
        name="b2b-price-list-entries-import",
    ),
    path(
        "price-lists/<int:pk>/entries/<int:entry_pk>/",
        views.EntryDetailView.as_view(),
        name="b2b-price-list-entry",
    ),
    path("customer-groups/", views.CustomerGroupListView.as_view(), name="b2b-customer-groups"),
    path(
        "customer-groups/<int:pk>/",
        views.CustomerGroupDetailView.as_view(),
        name="b2b-customer-group",
    ),
    path("volume-breaks/", views.VolumeBreakListView.as_view(), name="b2b-volume-breaks"),
    path("volume-breaks/<int:pk>/", views.VolumeBreakDetailView.as_view(), name="b2b-volume-break"),
]
