"""The B2B API under ``/api/v1/b2b/`` (config.urls_tenant): one block per concern."""

from django.urls import path

from b2b.api import bulk

urlpatterns = [
    # Bulk purchasing (b2b.bulk)
    path("quick-order/", bulk.QuickOrderView.as_view(), name="api-b2b-quick-order"),
    path("quick-order/csv/", bulk.CsvOrderView.as_view(), name="api-b2b-quick-order-csv"),
    path("orders/<int:number>/reorder/", bulk.ReorderView.as_view(), name="api-b2b-order-reorder"),
    path(
        "requisition-lists/",
        bulk.RequisitionListsView.as_view(),
        name="api-b2b-requisition-lists",
    ),
    path(
        "requisition-lists/<int:pk>/",
        bulk.RequisitionListView.as_view(),
        name="api-b2b-requisition-list",
    ),
    path(
        "requisition-lists/<int:pk>/lines/",
        bulk.RequisitionListLinesView.as_view(),
        name="api-b2b-requisition-list-lines",
    ),
    path(
        "requisition-lists/<int:pk>/lines/<int:line_id>/",
        bulk.RequisitionListLineView.as_view(),
        name="api-b2b-requisition-list-line",
    ),
    path(
        "requisition-lists/<int:pk>/add-to-cart/",
        bulk.RequisitionListAddToCartView.as_view(),
        name="api-b2b-requisition-list-add-to-cart",
    ),
]
