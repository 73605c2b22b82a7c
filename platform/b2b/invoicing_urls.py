"""/account/company/invoices/: a company's invoices and statement on the storefront."""

from django.urls import path

from b2b import account_invoices as views

urlpatterns = [
    path("", views.invoice_list, name="account-company-invoices"),
    path("statement/", views.statement, name="account-company-statement"),
    path("<int:pk>/pdf/", views.invoice_pdf, name="account-company-invoice-pdf"),
]
