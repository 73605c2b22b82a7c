"""The shopper's orders in the account area (/account/orders/): history, detail with the
timeline, cancel while pending, reorder and the invoice PDF. Only the order's owner sees it:
anyone else (another person, another store) gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cart import identify
from orders import invoice, shopper, state
from orders.errors import IllegalTransition
from orders.models import OrderStatus
from pricing import buyer_for

PAGE_SIZE = 20


def _order_or_404(request, number):
    order = shopper.order_of(request.user, number)
    if order is None:
        raise Http404("No such order.")
    return order


@login_required
@require_http_methods(["GET"])
def order_list(request):
    page = Paginator(shopper.orders_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/account/list.html", {"page": page, "orders": page.object_list})


@login_required
@require_http_methods(["GET"])
def order_detail(request, number: int):
    order = _order_or_404(request, number)
    return render(
        request,
        "orders/account/detail.html",
        {
            "order": order,
            "lines": list(order.lines.all()),
            "fulfilments": list(order.fulfilments.all()),
            "timeline": shopper.timeline(order),
            "can_cancel": order.status in state.CANCELLABLE_BY_SHOPPER,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request, number: int):
    order = _order_or_404(request, number)
    if request.method == "POST":
        try:
            shopper.cancel(order=order, user=request.user)
        except IllegalTransition as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Order #{order.number} is cancelled.")
        return redirect("account-order-detail", number=order.number)
    if order.status not in state.CANCELLABLE_BY_SHOPPER:
        messages.error(
            request,
            f"Order #{order.number} is {OrderStatus(order.status).label.lower()}: "
            "it can no longer be cancelled.",
        )
        return redirect("account-order-detail", number=order.number)
    return render(request, "orders/account/cancel.html", {"order": order})


@login_required
@require_http_methods(["POST"])
def order_reorder(request, number: int):
    order = _order_or_404(request, number)
    cart = identify.cart_for_request(request, create=True)
    result = shopper.reorder(order=order, cart=cart, buyer=buyer_for(user=request.user))
    if result.added:
        messages.success(request, "Added to your cart: " + ", ".join(result.added) + ".")
    for name, why in result.skipped:
        messages.warning(request, f"Could not add {name}: {why}")
    return redirect("account-order-detail", number=order.number)


@login_required
@require_http_methods(["GET"])
def order_invoice(request, number: int):
    order = _order_or_404(request, number)
    response = HttpResponse(invoice.render(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invoice-{order.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
