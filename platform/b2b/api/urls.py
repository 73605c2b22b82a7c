"""The B2B API under /api/v1/b2b/ (each concern adds its routes)."""

from django.urls import path

from b2b.api import purchasing

urlpatterns = [
    path("orders/", purchasing.CompanyOrderListView.as_view(), name="api-b2b-orders"),
    path("orders/<int:pk>/", purchasing.CompanyOrderDetailView.as_view(), name="api-b2b-order"),
    path(
        "orders/<int:pk>/approve/",
        purchasing.ApproveView.as_view(),
        name="api-b2b-order-approve",
    ),
    path("orders/<int:pk>/reject/", purchasing.RejectView.as_view(), name="api-b2b-order-reject"),
]
