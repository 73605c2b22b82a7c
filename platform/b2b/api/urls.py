"""The B2B API under /api/v1/b2b/ (each concern adds its routes)."""

from django.urls import path

from b2b.api import invoicing, quotes

urlpatterns = [
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
]
