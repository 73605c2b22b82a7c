"""The shopper's order API under /api/v1/."""

from django.urls import path

from orders.api import views

urlpatterns = [
    path("account/orders/", views.AccountOrderListView.as_view(), name="api-account-orders"),
    path(
        "account/orders/<int:number>/",
        views.AccountOrderDetailView.as_view(),
        name="api-account-order",
    ),
    path(
        "account/orders/<int:number>/cancel/",
        views.AccountOrderCancelView.as_view(),
        name="api-account-order-cancel",
    ),
    path(
        "account/orders/<int:number>/reorder/",
        views.AccountOrderReorderView.as_view(),
        name="api-account-order-reorder",
    ),
]
