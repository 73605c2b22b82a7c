"""B2B routes, under /api/v1/b2b/: each concern's urls module is included here."""

from django.urls import include, path

urlpatterns = [
    path("b2b/", include("b2b.api.pricing_urls")),
]
