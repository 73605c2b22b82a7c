"""/account/orders/ (included from accounts.urls)."""

from django.urls import path

from orders import account_views as views

urlpatterns = [
    path("", views.order_list, name="account-orders"),
    path("<int:number>/", views.order_detail, name="account-order-detail"),
    path("<int:number>/cancel/", views.order_cancel, name="account-order-cancel"),
    path("<int:number>/reorder/", views.order_reorder, name="account-order-reorder"),
    path("<int:number>/invoice.pdf", views.order_invoice, name="account-order-invoice"),
]
