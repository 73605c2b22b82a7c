"""Routes of the catalog's images, imports/export and stock adjustments (under /api/v1/catalog/)."""

from django.urls import path

from catalog.api import views_io as views

urlpatterns = [
    path(
        "products/<int:product_id>/images/",
        views.ProductImageListView.as_view(),
        name="catalog-product-images",
    ),
    path(
        "products/<int:product_id>/images/<int:image_id>/",
        views.ProductImageDetailView.as_view(),
        name="catalog-product-image",
    ),
    path(
        "variants/<int:variant_id>/stock-adjustments/",
        views.StockAdjustmentListView.as_view(),
        name="catalog-stock-adjustments",
    ),
    path("imports/", views.ImportJobListView.as_view(), name="catalog-imports"),
    path("imports/<int:job_id>/", views.ImportJobDetailView.as_view(), name="catalog-import"),
    path(
        "imports/<int:job_id>/commit/",
        views.ImportJobCommitView.as_view(),
        name="catalog-import-commit",
    ),
    path("export/", views.CatalogExportView.as_view(), name="catalog-export"),
]
