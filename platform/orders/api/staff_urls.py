"""Staff order routes under /api/v1/orders/ (a shopper's own: /api/v1/account/orders/)."""

from django.urls import path

from orders.api import staff_views as views

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="staff-orders"),
    path(
        "orders/notifications/",
        views.NotificationSettingsView.as_view(),
        name="staff-order-notifications",
    ),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="staff-order"),
    path(
        "orders/<int:pk>/fulfilments/",
        views.FulfilmentsView.as_view(),
        name="staff-order-fulfilments",
    ),
    path("orders/<int:pk>/cancel/", views.CancelView.as_view(), name="staff-order-cancel"),
    path("orders/<int:pk>/deliver/", views.DeliverView.as_view(), name="staff-order-deliver"),
    path("orders/<int:pk>/notes/", views.NotesView.as_view(), name="staff-order-notes"),
    path("orders/<int:pk>/refunds/", views.RefundsView.as_view(), name="staff-order-refunds"),
]
