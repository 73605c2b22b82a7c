"""The B2B API under /api/v1/b2b/ (each concern adds its own lines)."""

from django.urls import include, path

from b2b.api import bulk, companies, invoicing, purchasing, quotes

urlpatterns = [
    path("companies/", companies.StaffCompanyListView.as_view(), name="api-b2b-companies"),
    path(
        "companies/<int:pk>/",
        companies.StaffCompanyDetailView.as_view(),
        name="api-b2b-company",
    ),
    path(
        "companies/<int:pk>/approve/",
        companies.StaffCompanyApproveView.as_view(),
        name="api-b2b-company-approve",
    ),
    path(
        "companies/<int:pk>/reject/",
        companies.StaffCompanyRejectView.as_view(),
        name="api-b2b-company-reject",
    ),
    path("applications/", companies.ApplicationView.as_view(), name="api-b2b-applications"),
    path("company/locations/", companies.LocationListView.as_view(), name="api-b2b-locations"),
    path(
        "company/locations/<int:pk>/",
        companies.LocationDetailView.as_view(),
        name="api-b2b-location",
    ),
    path(
        "company/members/<int:pk>/",
        companies.MemberDetailView.as_view(),
        name="api-b2b-member",
    ),
    path("orders/", purchasing.CompanyOrderListView.as_view(), name="api-b2b-orders"),
    path("orders/<int:pk>/", purchasing.CompanyOrderDetailView.as_view(), name="api-b2b-order"),
    path(
        "orders/<int:pk>/approve/",
        purchasing.ApproveView.as_view(),
        name="api-b2b-order-approve",
    ),
    path("orders/<int:pk>/reject/", purchasing.RejectView.as_view(), name="api-b2b-order-reject"),
    path("", include("b2b.api.pricing_urls")),
    path("invoices/", invoicing.InvoiceListView.as_view(), name="b2b-invoices"),
    path("invoices/<int:pk>/", invoicing.InvoiceDetailView.as_view(), name="b2b-invoice"),
    path("invoices/<int:pk>/pdf/", invoicing.InvoicePdfView.as_view(), name="b2b-invoice-pdf"),
    path(
        "invoices/<int:pk>/payments/",
        invoicing.InvoicePaymentView.as_view(),
        name="b2b-invoice-payments",
    ),
    path("statement/", invoicing.StatementView.as_view(), name="b2b-statement"),
    path("quotes/", quotes.QuoteListView.as_view(), name="b2b-quotes"),
    path("quotes/<int:pk>/", quotes.QuoteDetailView.as_view(), name="b2b-quote"),
    path("quotes/<int:pk>/accept/", quotes.QuoteAcceptView.as_view(), name="b2b-quote-accept"),
    path(
        "quotes/<int:pk>/withdraw/", quotes.QuoteWithdrawView.as_view(), name="b2b-quote-withdraw"
    ),
    path("quotes/<int:pk>/offer/", quotes.QuoteOfferView.as_view(), name="b2b-quote-offer"),
    path("quotes/<int:pk>/decline/", quotes.QuoteDeclineView.as_view(), name="b2b-quote-decline"),
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
