"""Storefront pages of bulk purchasing (``/account/company/...``), in the storefront shell.

Every form is a plain HTML form (POST, then a redirect with a message, or the page again with
the report or the errors, status 400); htmx enhances the quick order: the report under the
box follows what is typed (``POST quick-order/check/``, a fragment), without a page load.

Who: signed-in members of a company. Quick order, reorder and "add to cart" need
``b2b.place_orders`` (buyers and admins); the lists are every member's to see and make.
Others get a 403 page saying who may; anonymous visitors the sign-in page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from b2b.bulk import lines as parsing
from b2b.bulk import quick_order as ordering
from b2b.bulk import reorder, requisitions
from b2b.errors import MalformedOrderFile, QuickOrderRefused, TooManyLines
from b2b.models import RequisitionList
from cart import identify
from config.api_errors import DomainError
from pricing import buyer_for

CART_URL = "/cart/"


def _refuse(request, *, place: bool):
    """The 403 page when the person may not use this page (None when they may). Placing
    (adding to the cart at the company's prices) needs an approved company: a pending or
    rejected company's members buy as consumers, and are told why."""
    company = permissions.company_of(request.user)
    allowed = company is not None and (
        not place or permissions.has_permission(request.user, permissions.PLACE_COMPANY_ORDERS)
    )
    reason = ordering.not_buying_reason(company) if allowed and place else ""
    if allowed and not reason:
        return None
    who = "buyers and admins of a company account" if place else "members of a company account"
    return render(request, "b2b/bulk/forbidden.html", {"who": who, "reason": reason}, status=403)


# --- Quick order ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def quick_order(request):
    """The quick order page: type or paste "SKU quantity" lines; "Check" shows the report,
    "Add all to cart" adds every line or none (the report again, 400, when a row is bad)."""
    refused = _refuse(request, place=True)
    if refused:
        return refused
    text = request.POST.get("lines", "") if request.method == "POST" else ""
    if request.method == "GET" or not text.strip():
        status = 400 if request.method == "POST" else 200
        error = "Type or paste at least one SKU." if request.method == "POST" else ""
        return _quick_order_page(request, text=text, error=error, status=status)
    owner = identify.owner_of(request)
    buyer = buyer_for(user=request.user)
    try:
        requested = parsing.parse_text(text)
        if request.POST.get("action") != "add":
            report = ordering.validate_lines(lines=requested, buyer=buyer, owner=owner)
            return _quick_order_page(request, text=text, report=report)
        report = ordering.add_quick_order(lines=requested, buyer=buyer, owner=owner)
    except QuickOrderRefused as refusal:
        return _quick_order_page(
            request, text=text, report=refusal.report, error=refusal.message, status=400
        )
    except TooManyLines as refusal:
        return _quick_order_page(request, text=text, error=refusal.message, status=400)
    count = len(report.rows)
    messages.success(
        request, f"Added {count} line{'s' if count != 1 else ''} to your cart from quick order."
    )
    return redirect(CART_URL)


@login_required
@require_POST
def quick_order_check(request):
    """The report alone (htmx, as the box is typed in): nothing changes."""
    refused = _refuse(request, place=True)
    if refused:
        return refused
    text = request.POST.get("lines", "")
    context = {"report": None, "error": ""}
    try:
        requested = parsing.parse_text(text)
    except TooManyLines as refusal:
        context["error"] = refusal.message
    else:
        if requested:
            context["report"] = ordering.validate_lines(
                lines=requested,
                buyer=buyer_for(user=request.user),
                owner=identify.owner_of(request),
            )
    return render(request, "b2b/bulk/includes/report.html", context)


@login_required
@require_POST
def quick_order_upload(request):
    """A CSV file (SKU, quantity): the page again with its rows in the box and the report,
    row numbers as in the file. Nothing is added until "Add all to cart"."""
    refused = _refuse(request, place=True)
    if refused:
        return refused
    upload = request.FILES.get("file")
    if upload is None:
        return _quick_order_page(request, upload_error="Choose a CSV file to upload.", status=400)
    try:
        requested = parsing.parse_csv(upload.read(parsing.MAX_FILE_BYTES + 1))
    except (MalformedOrderFile, TooManyLines) as refusal:
        return _quick_order_page(request, upload_error=refusal.message, status=400)
    report = ordering.validate_lines(
        lines=requested, buyer=buyer_for(user=request.user), owner=identify.owner_of(request)
    )
    text = "\n".join(
        f"{line.sku} {line.quantity}" if line.quantity is not None else line.sku
        for line in requested
    )
    return _quick_order_page(
        request, text=text, report=report, uploaded=upload.name[:200], status=200
    )


def _quick_order_page(
    request, *, text="", report=None, error="", upload_error="", uploaded="", status=200
):
    context = {
        "text": text,
        "report": report,
        "error": error,
        "upload_error": upload_error,
        "uploaded": uploaded,
        "max_lines": parsing.MAX_LINES,
        "max_kb": parsing.MAX_FILE_BYTES // 1024,
    }
    return render(request, "b2b/bulk/quick_order.html", context, status=status)


# --- Reorder ------------------------------------------------------------------------------


@login_required
@require_POST
def reorder_order(request, number: int):
    """Reorder a past order (the person's own, or their company's): what can still be had is
    added at today's prices; the page lists each line added or why not."""
    refused = _refuse(request, place=True)
    if refused:
        return refused
    try:
        order = reorder.reorderable_order(
            number=number, user=request.user, company=permissions.company_of(request.user)
        )
    except DomainError:
        return render(request, "b2b/bulk/forbidden.html", {"not_found": True}, status=404)
    report = reorder.reorder(
        order=order, buyer=buyer_for(user=request.user), owner=identify.owner_of(request)
    )
    return render(request, "b2b/bulk/reorder.html", {"order": order, "report": report})


# --- Requisition lists ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def requisition_lists(request):
    """The company's lists; a form to make one (from SKU lines) and one to save the cart."""
    refused = _refuse(request, place=False)
    if refused:
        return refused
    company = permissions.company_of(request.user)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            made = _make_list(request, company)
        except DomainError as refusal:
            errors, status = _form_errors(refusal), 400
        else:
            messages.success(request, f"“{made.name}” is saved for your company.")
            return redirect("b2b-requisition-list", pk=made.pk)
    context = {
        "lists": list(requisitions.lists_of(company=company)[:200]),
        "company": company,
        "errors": errors,
        "typed": request.POST if request.method == "POST" else {},
    }
    return render(request, "b2b/bulk/requisition_lists.html", context, status=status)


def _make_list(request, company):
    name = request.POST.get("name", "")
    if request.POST.get("action") == "save_cart":
        return requisitions.save_cart_as_list(
            company=company,
            user=request.user,
            cart=identify.cart_for_request(request),
            name=name,
            kind=RequisitionList.Kind.SAVED_CART,
        )
    return requisitions.create_list(
        company=company,
        user=request.user,
        name=name,
        lines=parsing.parse_text(request.POST.get("lines", "")),
    )


def _form_errors(refusal: DomainError) -> dict:
    errors = {"form": [refusal.message]}
    for key, reasons in (refusal.fields or {}).items():
        errors.setdefault(key.split(".")[0] if key.startswith("lines.") else key, []).extend(
            _row_reason(key, reason) for reason in reasons
        )
    return errors


def _row_reason(key: str, reason: str) -> str:
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
        return f"Line {int(parts[1]) + 1}: {reason}"
    return reason


def _list_or_404(request, pk):
    company = permissions.company_of(request.user)
    try:
        return requisitions.list_of(company=company, pk=pk)
    except DomainError:
        return None


def _not_found(request):
    return render(request, "b2b/bulk/forbidden.html", {"not_found": True}, status=404)


@login_required
@require_http_methods(["GET"])
def requisition_list_detail(request, pk: int):
    refused = _refuse(request, place=False)
    if refused:
        return refused
    found = _list_or_404(request, pk)
    if found is None:
        return _not_found(request)
    return _detail_page(request, found)


def _detail_page(request, found, *, errors=None, typed=None, status=200):
    context = {
        "list": found,
        "lines": list(found.lines.all()),
        "can_edit": requisitions.can_edit(user=request.user, requisition_list=found),
        "can_order": permissions.has_permission(request.user, permissions.PLACE_COMPANY_ORDERS),
        "errors": errors or {},
        "typed": typed or {},
    }
    return render(request, "b2b/bulk/requisition_list.html", context, status=status)


@login_required
@require_POST
def requisition_list_add_to_cart(request, pk: int):
    """Add the chosen lines (all when none is ticked) to the cart; what could not be added is
    said line by line."""
    refused = _refuse(request, place=True)
    if refused:
        return refused
    found = _list_or_404(request, pk)
    if found is None:
        return _not_found(request)
    chosen = [value for value in request.POST.getlist("line") if value.isdigit()]
    try:
        report = requisitions.add_list_to_cart(
            requisition_list=found,
            buyer=buyer_for(user=request.user),
            owner=identify.owner_of(request),
            line_ids=chosen or None,
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("b2b-requisition-list", pk=found.pk)
    if report.valid:
        count = len(report.valid)
        messages.success(
            request,
            f"Added {count} line{'s' if count != 1 else ''} of “{found.name}” to your cart.",
        )
    for row in report.invalid:
        messages.warning(request, f"{row.product_name or row.sku} ({row.sku}): {row.reason}")
    if report.valid:
        return redirect(CART_URL)
    return redirect("b2b-requisition-list", pk=found.pk)


@login_required
@require_POST
def requisition_list_set_line(request, pk: int):
    refused = _refuse(request, place=False)
    if refused:
        return refused
    found = _list_or_404(request, pk)
    if found is None:
        return _not_found(request)
    try:
        requisitions.set_line(
            requisition_list=found,
            user=request.user,
            sku=request.POST.get("sku", "").strip(),
            quantity=request.POST.get("quantity", "").strip() or None,
        )
    except DomainError as refusal:
        return _detail_page(
            request,
            requisitions.list_of(company=found.company, pk=found.pk),
            errors=_form_errors(refusal),
            typed=request.POST,
            status=refusal.status_code,
        )
    messages.success(request, "The list is saved.")
    return redirect("b2b-requisition-list", pk=found.pk)


@login_required
@require_POST
def requisition_list_remove_line(request, pk: int, line_id: int):
    refused = _refuse(request, place=False)
    if refused:
        return refused
    found = _list_or_404(request, pk)
    if found is None:
        return _not_found(request)
    try:
        requisitions.remove_line(requisition_list=found, user=request.user, line_id=line_id)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    return redirect("b2b-requisition-list", pk=found.pk)


@login_required
@require_POST
def requisition_list_rename(request, pk: int):
    refused = _refuse(request, place=False)
    if refused:
        return refused
    found = _list_or_404(request, pk)
    if found is None:
        return _not_found(request)
    try:
        requisitions.rename_list(
            requisition_list=found, user=request.user, name=request.POST.get("name", "")
        )
    except DomainError as refusal:
        return _detail_page(
            request,
            requisitions.list_of(company=found.company, pk=found.pk),
            errors=_form_errors(refusal),
            typed=request.POST,
            status=refusal.status_code,
        )
    messages.success(request, "The list is renamed.")
    return redirect("b2b-requisition-list", pk=found.pk)


@login_required
@require_POST
def requisition_list_delete(request, pk: int):
    refused = _refuse(request, place=False)
    if refused:
        return refused
    found = _list_or_404(request, pk)
    if found is None:
        return _not_found(request)
    try:
        requisitions.delete_list(requisition_list=found, user=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("b2b-requisition-list", pk=found.pk)
    messages.success(request, f"“{found.name}” is deleted.")
    return redirect("b2b-requisition-lists")
