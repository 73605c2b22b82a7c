"""Orders awaiting a company's approval, in the store admin (under Orders): read-only.

A company buyer's order above their spending limit (or any order of a company that approves
every order) waits in ``awaiting_approval`` for an approver or admin of the company, who
decides in the storefront's company area (b2b.purchasing.approvals). Staff do not decide for
the company: this screen shows what waits, for how long, and links each order's page, so that
staff can answer a customer who asks where their order is.

Reads need VIEW_ORDERS, as the orders' own screens (owner, order managers, support); other
staff get the 403 page with the reason.
"""

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.models import Company
from accounts.permissions import VIEW_ORDERS
from b2b.purchasing import selectors
from tenants.store_admin.access import requires_permission
from tenants.store_admin.paging import page_of

TITLE = "Awaiting approval"
READ_REASON = "Your role does not include the store's orders."
PAGE_SIZE = 50


class FilterForm(forms.Form):
    company = forms.ModelChoiceField(
        required=False, queryset=Company.objects.order_by("name"), empty_label="Any company"
    )


@require_http_methods(["GET"])
@requires_permission(VIEW_ORDERS, title=TITLE, reason=READ_REASON)
def approval_list(request):
    form = FilterForm(request.GET or None)
    rows, status = selectors.awaiting_approval_in_store(), 200
    if form.is_bound and form.is_valid():
        rows = selectors.awaiting_approval_in_store(company=form.cleaned_data["company"])
    elif form.is_bound:
        rows, status = rows.none(), 400
    page, query = page_of(request, rows, PAGE_SIZE)
    return render(
        request,
        "b2b/store_admin/approvals.html",
        {"form": form, "page": page, "orders": page.object_list, "query": query},
        status=status,
    )
