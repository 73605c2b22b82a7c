"""B2B invoices in the store admin (under Orders): the list (by status, company, number),
an invoice's page (its order, amounts, history, PDF) with "Record a payment", and a
company's statement (on the page, PDF or CSV).

Reads need VIEW_INVOICES (owner, order managers, support); recording a payment needs
MANAGE_ORDER_PAYMENTS, the permission of cash on delivery's "mark paid", whose path it takes
(b2b.invoicing.record_invoice_payment). A refusal comes back on the page (400/409), never a
500.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import Company
from accounts.permissions import MANAGE_ORDER_PAYMENTS, VIEW_INVOICES, has_permission
from b2b import documents, invoicing
from b2b.account_invoices import _period
from b2b.api.invoicing import statement_response
from b2b.models import InvoiceStatus
from config.api_errors import DomainError
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import show_domain_error
from tenants.store_admin.paging import page_of

TITLE = "Invoices"
READ_REASON = "Your role does not include the store's invoices."
MANAGE_REASON = "Only the store's owner and order managers record payments."
PAGE_SIZE = 50


class FilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *InvoiceStatus.choices])
    company = forms.ModelChoiceField(
        required=False, queryset=Company.objects.order_by("name"), empty_label="Any company"
    )
    q = forms.CharField(required=False, max_length=100, label="Number or company")


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, required=False, help_text="Empty: all that is due."
    )
    note = forms.CharField(required=False, max_length=2000)


def _invoice_or_404(pk: int):
    invoice = invoicing.invoice_of(pk=pk)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


@require_http_methods(["GET"])
@requires_permission(VIEW_INVOICES, title=TITLE, reason=READ_REASON)
def invoice_list(request):
    form = FilterForm(request.GET or None)
    rows = invoicing.invoices_of()
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = invoicing.invoices_of(
            company=data["company"], status=data["status"], search=data["q"].strip()
        )
    elif form.is_bound:
        rows, status = rows.none(), 400
    page, query = page_of(request, rows, PAGE_SIZE)
    return render(
        request,
        "b2b/invoicing/store_admin/list.html",
        {"form": form, "page": page, "invoices": page.object_list, "query": query},
        status=status,
    )


def _detail(request, invoice, *, form=None, status=200):
    return render(
        request,
        "b2b/invoicing/store_admin/detail.html",
        {
            "title": f"Invoice {invoice.number}",
            "invoice": invoice,
            "outstanding": invoicing.outstanding(invoice),
            "events": list(invoice.events.select_related("actor")),
            "form": form or PaymentForm(),
            "may_record": has_permission(request.user, MANAGE_ORDER_PAYMENTS)
            and invoice.status in invoicing.OPEN_STATUSES,
        },
        status=status,
    )


@require_http_methods(["GET"])
@requires_permission(VIEW_INVOICES, title=TITLE, reason=READ_REASON)
def invoice_detail(request, pk: int):
    return _detail(request, _invoice_or_404(pk))


@require_http_methods(["GET"])
@requires_permission(VIEW_INVOICES, title=TITLE, reason=READ_REASON)
def invoice_pdf(request, pk: int):
    invoice = _invoice_or_404(pk)
    response = HttpResponse(documents.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invoice-{invoice.number}.pdf"'
    return response


@require_http_methods(["POST"])
@requires_permission(MANAGE_ORDER_PAYMENTS, title=TITLE, reason=MANAGE_REASON)
def record_payment(request, pk: int):
    invoice = _invoice_or_404(pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _detail(request, invoice, form=form, status=400)
    try:
        invoice = invoicing.record_invoice_payment(
            invoice=invoice,
            amount=form.cleaned_data["amount"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except DomainError as refused:
        show_domain_error(form, refused)
        return _detail(request, _invoice_or_404(pk), form=form, status=refused.status_code)
    messages.success(request, f"Payment recorded. Invoice {invoice.number} is {invoice.status}.")
    return redirect("b2b_invoices:detail", pk=invoice.pk)


@require_http_methods(["GET"])
@requires_permission(VIEW_INVOICES, title=TITLE, reason=READ_REASON)
def company_statement(request, company_pk: int):
    company = Company.objects.filter(pk=company_pk).first()
    if company is None:
        raise Http404("No such company.")
    period, errors = _period(request.GET)
    statement = None
    if not errors:
        statement = invoicing.statement(company=company, date_from=period[0], date_to=period[1])
        download = statement_response(statement, request.GET.get("format", ""))
        if download is not None:
            return download
    return render(
        request,
        "b2b/invoicing/store_admin/statement.html",
        {"company": company, "statement": statement, "errors": errors},
        status=400 if errors else 200,
    )
