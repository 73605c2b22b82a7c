"""Storefront pages of bulk purchasing, under ``/account/company/`` (config.urls_tenant)."""

from django.urls import path

from b2b.bulk import views

urlpatterns = [
    path("quick-order/", views.quick_order, name="b2b-quick-order"),
    path("quick-order/check/", views.quick_order_check, name="b2b-quick-order-check"),
    path("quick-order/upload/", views.quick_order_upload, name="b2b-quick-order-upload"),
    path("orders/<int:number>/reorder/", views.reorder_order, name="b2b-reorder"),
    path("requisition-lists/", views.requisition_lists, name="b2b-requisition-lists"),
    path(
        "requisition-lists/<int:pk>/",
        views.requisition_list_detail,
        name="b2b-requisition-list",
    ),
    path(
        "requisition-lists/<int:pk>/add-to-cart/",
        views.requisition_list_add_to_cart,
        name="b2b-requisition-list-add-to-cart",
    ),
    path(
        "requisition-lists/<int:pk>/lines/",
        views.requisition_list_set_line,
        name="b2b-requisition-list-set-line",
    ),
    path(
        "requisition-lists/<int:pk>/lines/<int:line_id>/remove/",
        views.requisition_list_remove_line,
        name="b2b-requisition-list-remove-line",
    ),
    path(
        "requisition-lists/<int:pk>/rename/",
        views.requisition_list_rename,
        name="b2b-requisition-list-rename",
    ),
    path(
        "requisition-lists/<int:pk>/delete/",
        views.requisition_list_delete,
        name="b2b-requisition-list-delete",
    ),
]
