"""The approvals pages of the storefront, /account/company/approvals/: a company's approvers
and admins see the orders waiting for them and approve or reject each (with a note), through
the same services as the API (b2b.purchasing.approvals). Works without JavaScript.

Anyone signed in who does not approve for a company gets 403; an order of another company,
or one that no longer waits, is not listed, and its page answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import company_of
from b2b.purchasing import approvals, selectors
from config.api_errors import DomainError

TEMPLATES = "b2b/purchasing/"


def _company_of_approver(request):
    if not approvals.is_approver(request.user):
        raise PermissionDenied("Only your company's approvers see its approvals.")
    return company_of(request.user)


@login_required
@require_http_methods(["GET"])
def approval_list(request):
    company = _company_of_approver(request)
    orders = list(selectors.awaiting_approval(company=company)[:200])
    return render(request, TEMPLATES + "approvals.html", {"orders": orders, "company": company})


def _detail(request, order, *, status=200, errors=None, note=""):
    return render(
        request,
        TEMPLATES + "approval.html",
        {
            "order": order,
            "lines": list(order.lines.all()),
            "may_decide": approvals.may_decide(user=request.user, order=order),
            "own_order": order.user_id == request.user.pk,
            "errors": errors or {},
            "note": note,
        },
        status=status,
    )


def _order_or_404(request, pk):
    company = _company_of_approver(request)
    order = selectors.company_order(company=company, pk=pk)
    if order is None:
        raise Http404("No order of your company has this number.")
    return order


@login_required
@require_http_methods(["GET"])
def approval_detail(request, pk: int):
    return _detail(request, _order_or_404(request, pk))


@login_required
@require_http_methods(["POST"])
def approval_decide(request, pk: int, decision: str):
    order = _order_or_404(request, pk)
    note = request.POST.get("note", "")
    decide = approvals.approve_order if decision == "approve" else approvals.reject_order
    try:
        decide(order=order, actor=request.user, note=note)
    except DomainError as refused:
        errors = {"note": refused.fields.get("note", []), "form": [refused.message]}
        return _detail(request, order, status=refused.status_code, errors=errors, note=note)
    verb = "approved: the store now handles it" if decision == "approve" else "rejected"
    messages.success(request, f"Order #{order.number} {verb}.")
    return redirect("company-approvals")
