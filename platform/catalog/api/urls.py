"""Catalog routes: staff under /api/v1/catalog/, shoppers under /api/v1/shop/."""

from django.urls import include, path

from catalog.api import views

staff = [
    path("categories/", views.CategoryListView.as_view(), name="catalog-categories"),
    path("categories/<int:pk>/", views.CategoryDetailView.as_view(), name="catalog-category"),
    path(
        "categories/<int:pk>/move/", views.CategoryMoveView.as_view(), name="catalog-category-move"
    ),
    path("brands/", views.BrandListView.as_view(), name="catalog-brands"),
    path("brands/<int:pk>/", views.BrandDetailView.as_view(), name="catalog-brand"),
    path("attributes/", views.AttributeListView.as_view(), name="catalog-attributes"),
    path("attributes/<int:pk>/", views.AttributeDetailView.as_view(), name="catalog-attribute"),
    path("product-types/", views.ProductTypeListView.as_view(), name="catalog-product-types"),
    path(
        "product-types/<int:pk>/",
        views.ProductTypeDetailView.as_view(),
        name="catalog-product-type",
    ),
    path("products/", views.ProductListView.as_view(), name="catalog-products"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="catalog-product"),
    path(
        "products/<int:pk>/variants/",
        views.VariantCreateView.as_view(),
        name="catalog-product-variants",
    ),
    path("variants/bulk/", views.VariantBulkUpdateView.as_view(), name="catalog-variants-bulk"),
    path("variants/<int:pk>/", views.VariantDetailView.as_view(), name="catalog-variant"),
]

shop = [
    path("products/", views.ShopProductListView.as_view(), name="shop-products"),
    path("products/<slug:slug>/", views.ShopProductDetailView.as_view(), name="shop-product"),
    path("categories/", views.ShopCategoryTreeView.as_view(), name="shop-categories"),
    path("categories/<slug:slug>/", views.ShopCategoryDetailView.as_view(), name="shop-category"),
    path("brands/", views.ShopBrandListView.as_view(), name="shop-brands"),
]

urlpatterns = [
    path("catalog/", include(staff)),
    path("shop/", include(shop)),
]
