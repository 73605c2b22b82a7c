"""Payments routes: /api/v1/payments/methods/ (the store's settings; staff), .../offered/
(what checkout offers; public), the shopper's start/retry and payment by token, and an
order's payments (staff). Refunds: /api/v1/orders/<id>/refunds/ (orders' staff API) only."""

from django.urls import path

from payments.api import views

urlpatterns = [
    path("payments/methods/", views.MethodSettingsView.as_view(), name="payments-methods"),
    path(
        "payments/methods/offered/",
        views.OfferedMethodsView.as_view(),
        name="payments-methods-offered",
    ),
    path(
        "orders/<int:order_pk>/payments/",
        views.OrderPaymentListView.as_view(),
        name="order-payments",
    ),
    path(
        "orders/<int:order_pk>/payments/<int:pk>/",
        views.OrderPaymentDetailView.as_view(),
        name="order-payment",
    ),
    path(
        "orders/<int:order_pk>/payments/<int:pk>/mark-paid/",
        views.MarkPaidView.as_view(),
        name="order-payment-mark-paid",
    ),
    path(
        "orders/<int:order_pk>/payments/<int:pk>/capture/",
        views.CaptureView.as_view(),
        name="order-payment-capture",
    ),
    path("payments/start/", views.StartPaymentView.as_view(), name="payments-start"),
    path("payments/<uuid:token>/", views.ShopperPaymentView.as_view(), name="payments-shopper"),
]
