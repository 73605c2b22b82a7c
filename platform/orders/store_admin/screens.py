"""Orders in the store admin: the list (filters, search, CSV export), the detail page (lines,
totals with tax lines, addresses, payments, fulfilments, the timeline), its actions and the
edit page (quantities, lines, the shipping address, before anything ships).

Each action is a small form posting to its own URL and calls one of orders.actions or
payments.services; a refusal (IllegalTransition, InvalidFulfilment, InvalidAmount...) comes back
as a message on the detail page with status 400/409, never a 500. Owners and order managers
act (MANAGE_ORDERS); support reads (VIEW_ORDERS); other staff get 403 with the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

import money
from accounts.permissions import MANAGE_ORDERS, VIEW_ORDERS, has_permission
from config.api_errors import DomainError
from orders import actions, selectors, staff_selectors, state
from orders.models import Order
from orders.store_admin import forms
from payments import gateway as payment_gateway
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.gateway import PaymentState
from tenants.store_admin.access import requires_permission
from tenants.store_admin.paging import page_of

TITLE = "Orders"
READ_REASON = "Your role does not include the store's orders."
MANAGE_REASON = "Only the store's owner and order managers act on orders."
TEMPLATES = "orders/store_admin/"
PAGE_SIZE = 50


def _order_or_404(pk: int) -> Order:
    order = selectors.order_detail(pk=pk)
    if order is None:
        raise Http404("No such order.")
    return order


def filtered_orders(request):
    """The filter form bound to the query string and the matching orders (none if invalid)."""
    form = forms.OrderFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, Order.objects.none()
    filters = form.filters() if request.GET else staff_selectors.OrderFilters()
    return form, staff_selectors.staff_orders(filters)


@require_http_methods(["GET"])
@requires_permission(VIEW_ORDERS, title=TITLE, reason=READ_REASON)
def order_list(request):
    form, orders = filtered_orders(request)
    page, query = page_of(request, orders, PAGE_SIZE)
    return render(
        request,
        TEMPLATES + "list.html",
        {
            "form": form,
            "page": page,
            "orders": page.object_list,
            "query": query,
            "status": 200,
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


def _detail_page(request, order: Order, *, status=200, forms_in_error=None):
    may_manage = has_permission(request.user, MANAGE_ORDERS)
    known = {code for code, _ in payment_gateway.choices()}
    payments = list(payment_selectors.payments_of(order))
    for payment in payments:  # what staff may do with it, from its provider's capabilities
        provider = payment_gateway.get(payment.method) if payment.method in known else None
        payment.staff_marks_paid = bool(provider and provider.staff_marks_paid)
        payment.moves_money = bool(provider and provider.moves_money)
        payment.capturable = payment.state == PaymentState.AUTHORISED
        payment.method_name = provider.name if provider else payment.method
    lines = list(order.lines.all())
    action_forms = {
        "note": forms.NoteForm(),
        "fulfil": forms.FulfilForm(lines=lines),
        "cancel": forms.CancelForm(),
        "deliver": forms.DeliverForm(),
        "mark_paid": forms.MarkPaidForm(),
        "capture": forms.CaptureForm(),
        "refund": forms.RefundForm(),
    }
    action_forms.update(forms_in_error or {})
    allowed = set(state.allowed_transitions(order)) if may_manage else set()
    currency = order.currency
    return render(
        request,
        TEMPLATES + "detail.html",
        {
            "order": order,
            "lines": lines,
            "events": list(order.events.all()),
            "fulfilments": list(order.fulfilments.all()),
            "payments": payments,
            "may_manage": may_manage,
            "forms": action_forms,
            "may_start": "processing" in allowed,
            "may_cancel": may_manage and order.status in state.CANCELLABLE_BY_STAFF,
            "may_edit": may_manage and _editable(order),
            "may_deliver": "delivered" in allowed,
            "may_fulfil": may_manage
            and order.status in ("pending", "processing")
            and bool(action_forms["fulfil"].order_lines),
            "balance": money.format_money(order.total - order.amount_paid, currency),
            "tax_rates": order.tax_rates or [],
        },
        status=status,
    )


@require_http_methods(["GET"])
@requires_permission(VIEW_ORDERS, title=TITLE, reason=READ_REASON)
def order_detail(request, pk: int):
    return _detail_page(request, _order_or_404(pk))


def _refused(request, order, error: DomainError, name: str, form=None):
    """The detail page again, with the refusal as a message (and on the form), 400/409."""
    messages.error(request, _message(error))
    if form is not None:
        from tenants.store_admin.forms import show_domain_error

        show_domain_error(form, error)
    order = _order_or_404(order.pk)
    return _detail_page(
        request,
        order,
        status=getattr(error, "status_code", 400),
        forms_in_error={name: form} if form is not None else None,
    )


def _message(error: DomainError) -> str:
    parts = [str(error.message)]
    for texts in (error.fields or {}).values():
        parts.extend(str(text) for text in texts)
    return " ".join(dict.fromkeys(parts))


def _invalid(request, order, name: str, form):
    messages.error(request, "Please correct the errors below.")
    return _detail_page(request, order, status=400, forms_in_error={name: form})


def _done(request, order, text: str):
    messages.success(request, text)
    return redirect(reverse("orders:detail", args=[order.pk]))


def _action(name: str, form_class=None):
    """A POST-only action of the detail page: load the order, validate the form, run."""

    def decorator(run):
        @require_http_methods(["POST"])
        @requires_permission(MANAGE_ORDERS, title=TITLE, reason=MANAGE_REASON)
        def view(request, pk: int, **kwargs):
            order = _order_or_404(pk)
            if form_class is None:
                form = None
            elif form_class is forms.FulfilForm:
                form = forms.FulfilForm(request.POST, lines=list(order.lines.all()))
            else:
                form = form_class(request.POST)
            if form is not None and not form.is_valid():
                return _invalid(request, order, name, form)
            try:
                text = run(request, order, form, **kwargs)
            except DomainError as error:
                return _refused(request, order, error, name, form)
            return _done(request, order, text)

        view.__name__ = run.__name__
        return view

    return decorator


@_action("start")
def start_processing(request, order, form):
    actions.start_processing(order=order, actor=request.user)
    return f"Order #{order.number} is now processing."


@_action("fulfil", forms.FulfilForm)
def fulfil(request, order, form):
    actions.fulfil(
        order=order,
        lines=form.quantities(),
        carrier=form.cleaned_data["carrier"],
        tracking_number=form.cleaned_data["tracking_number"],
        actor=request.user,
    )
    return f"Shipment recorded for order #{order.number}."


@_action("deliver", forms.DeliverForm)
def deliver(request, order, form):
    actions.mark_delivered(order=order, actor=request.user, note=form.cleaned_data["note"])
    return f"Order #{order.number} is delivered."


@_action("note", forms.NoteForm)
def add_note(request, order, form):
    actions.add_note(order=order, note=form.cleaned_data["note"], actor=request.user)
    return "Note added."


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_ORDERS, title=TITLE, reason=MANAGE_REASON)
def cancel(request, pk: int):
    """A page of its own asks for confirmation; the POST cancels."""
    order = _order_or_404(pk)
    form = forms.CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            return _invalid(request, order, "cancel", form)
        try:
            actions.cancel_order(order=order, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            return _refused(request, order, error, "cancel", form)
        return _done(request, order, f"Order #{order.number} is cancelled; its stock is back.")
    return render(request, TEMPLATES + "confirm_cancel.html", {"order": order, "form": form})


def _payment(order, payment_pk: int):
    payment = payment_selectors.payment_of_order(order_id=order.pk, pk=payment_pk)
    if payment is None:
        raise Http404("No such payment on this order.")
    return payment


@_action("mark_paid", forms.MarkPaidForm)
def mark_paid(request, order, form, payment_pk: int):
    payment = payment_services.mark_paid(
        payment=_payment(order, payment_pk),
        amount=form.cleaned_data["amount"],
        actor=request.user,
        note=form.cleaned_data["note"],
    )
    received = money.format_money(payment.captured_amount, payment.currency)
    return f"Payment recorded: {received} received in all."


@_action("capture", forms.CaptureForm)
def capture(request, order, form, payment_pk: int):
    payment = payment_services.capture(
        payment=_payment(order, payment_pk),
        amount=form.cleaned_data["amount"],
        actor=request.user,
        note=form.cleaned_data["note"],
    )
    captured = money.format_money(payment.captured_amount, payment.currency)
    return f"Payment captured: {captured}."


@_action("refund", forms.RefundForm)
def refund(request, order, form, payment_pk: int):
    payment_services.record_refund(
        payment=_payment(order, payment_pk),
        amount=form.cleaned_data["amount"],
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )
    amount = money.format_money(form.cleaned_data["amount"], order.currency)
    return f"Refund of {amount} recorded."


def _editable(order: Order) -> bool:
    return order.status in state.EDITABLE and order.fulfilment_status == "unfulfilled"


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_ORDERS, title=TITLE, reason=MANAGE_REASON)
def edit(request, pk: int):
    """Edit an order before anything ships (orders.actions.edit_order_lines): quantities,
    lines removed or added, the shipping address. The totals are recomputed and the change
    recorded in the timeline; a refusal is shown next to its field with what was typed (400),
    an order that can no longer be edited answers 409."""
    order = _order_or_404(pk)
    lines = list(order.lines.all())
    if not _editable(order):
        return _edit_page(request, order, None, status=409)
    if request.method == "GET":
        return _edit_page(request, order, forms.EditOrderForm(order=order, lines=lines))
    form = forms.EditOrderForm(request.POST, order=order, lines=lines)
    if not form.is_valid():
        return _edit_page(request, order, form, status=400)
    add = []
    sku = (form.cleaned_data.get("add_sku") or "").strip()
    if sku:
        variant_id = selectors.variant_id_for_sku(sku)
        if variant_id is None:
            form.add_error("add_sku", "No product has this SKU.")
            return _edit_page(request, order, form, status=400)
        add.append((variant_id, form.cleaned_data.get("add_quantity") or 1))
    quantities, address = form.quantities(), form.address()
    if not (quantities or add or address is not None):
        form.add_error(None, "Nothing was changed.")
        return _edit_page(request, order, form, status=400)
    total_before = money.format_money(order.total, order.currency)
    try:
        actions.edit_order_lines(
            order=order,
            quantities=quantities,
            add=add,
            shipping_address=address,
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        _show_edit_error(form, error)
        status = getattr(error, "status_code", 400)
        return _edit_page(request, _order_or_404(pk), form, status=status)
    total_after = money.format_money(order.total, order.currency)
    return _done(
        request, order, f"Order #{order.number} edited: total {total_before} → {total_after}."
    )


def _show_edit_error(form, error: DomainError) -> None:
    placed = False
    for name, texts in (error.fields or {}).items():
        target = form.field_for(name)
        for text in texts:
            form.add_error(target if target in form.fields else None, text)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _edit_page(request, order: Order, form, *, status: int = 200):
    return render(
        request,
        TEMPLATES + "edit.html",
        {"order": order, "form": form, "editable": form is not None},
        status=status,
    )
