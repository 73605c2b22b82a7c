"""A company's invoices on the storefront (/account/company/invoices/): the list with what is
still due, each invoice's PDF, and the statement of a period (on the page, as PDF or CSV).

Every member of the company (VIEW_COMPANY) sees its invoices; anyone else who is signed in
gets 403, and an invoice of another company (or store) is a 404.
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.permissions import VIEW_COMPANY, company_of, has_permission
from b2b import documents, invoicing
from b2b.api.invoicing import MAX_STATEMENT_DAYS, statement_response

PAGE_SIZE = 25


def member_company(request, permission: str = VIEW_COMPANY):
    """The company of the signed-in member, or 403 (not a member, or a role without it)."""
    company = company_of(request.user)
    if company is None or not has_permission(request.user, permission):
        raise PermissionDenied("Only a company's members see its invoices and quotes.")
    return company


@login_required
@require_http_methods(["GET"])
def invoice_list(request):
    company = member_company(request)
    rows = invoicing.invoices_of(company=company)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for invoice in page.object_list:
        invoice.still_due = invoicing.outstanding(invoice)
    today = timezone.localdate()
    return render(
        request,
        "b2b/invoicing/account/list.html",
        {
            "company": company,
            "page": page,
            "invoices": page.object_list,
            "date_from": today - timedelta(days=30),
            "date_to": today,
        },
    )


@login_required
@require_http_methods(["GET"])
def invoice_pdf(request, pk: int):
    invoice = invoicing.invoice_of(pk=pk, company=member_company(request))
    if invoice is None:
        raise Http404("No such invoice.")
    response = HttpResponse(documents.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invoice-{invoice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET"])
def statement(request):
    company = member_company(request)
    period, errors = _period(request.GET)
    if errors:
        return render(
            request,
            "b2b/invoicing/account/statement.html",
            {"company": company, "errors": errors, "query": request.GET},
            status=400,
        )
    result = invoicing.statement(company=company, date_from=period[0], date_to=period[1])
    download = statement_response(result, request.GET.get("format", ""))
    if download is not None:
        return download
    return render(
        request,
        "b2b/invoicing/account/statement.html",
        {"company": company, "statement": result, "query": request.GET},
    )


def _period(params) -> tuple[tuple[date, date] | None, dict]:
    today = timezone.localdate()
    values, errors = {}, {}
    for name, default in (("from", today - timedelta(days=30)), ("to", today)):
        raw = (params.get(name) or "").strip()
        try:
            values[name] = date.fromisoformat(raw) if raw else default
        except ValueError:
            errors[name] = "Enter a date as YYYY-MM-DD."
    if not errors and values["from"] > values["to"]:
        errors["to"] = "The end comes on or after the start."
    if not errors and (values["to"] - values["from"]).days > MAX_STATEMENT_DAYS:
        errors["from"] = "At most ten years."
    if errors:
        return None, errors
    return (values["from"], values["to"]), {}
