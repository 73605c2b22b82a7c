"""The storefront's checkout pages: contact and shipping address → delivery → payment →
review → the order placed → its confirmation. Plain forms (no JavaScript needed), CSRF
protected, never cached (``never_cache``; the storefront's page cache serves Wagtail pages
only). The checkout is the one of the browser's cart (``cart.identify``: the cart cookie, or
the signed-in account's cart, so that another device resumes it). Refusals answer 400 with the
page again, the errors next to their fields and what was typed kept.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from b2b.companies.selectors import checkout_locations
from cart import identify
from checkout import addresses, calculations, selectors, services
from checkout.errors import CartEmpty, CheckoutCompleted, CheckoutError
from checkout.forms import (
    LOCATION,
    NEW,
    AddressForm,
    ContactForm,
    DeliveryForm,
    PaymentForm,
    PlaceOrderForm,
)
from config.api_errors import DomainError
from pricing import buyer_for

SESSION_ORDERS = "checkout_orders"  # the order numbers this browser placed (confirmation)
SESSION_ORDERS_KEPT = 20


def _buyer(request):
    return buyer_for(user=request.user)


def _checkout(request, *, start: bool = False):
    """The checkout of the browser's cart (started when ``start``), else None."""
    cart = identify.cart_for_request(request)
    if cart is None:
        return None
    checkout = selectors.checkout_of_cart(cart)
    if checkout is None and start:
        try:
            checkout = services.start_checkout(cart=cart, buyer=_buyer(request))
        except (CartEmpty, CheckoutCompleted):
            return None
    return checkout


def _page(request, template: str, context: dict, *, status: int = 200):
    return render(request, f"checkout/{template}", context, status=status)


def _empty(request):
    return _page(request, "empty.html", {"step": None})


def _field_errors(refused: DomainError) -> dict[str, list[str]]:
    return refused.fields or {"non_field_errors": [refused.message]}


def _put_errors(errors: dict, forms: dict) -> list[str]:
    """Put the services' errors on the forms' fields (``shipping_address.city`` on the
    shipping form's ``city``); answers those without a field."""
    loose = []
    for key, messages in errors.items():
        prefix, _, name = key.partition(".")
        form = forms.get(prefix) if name else forms.get("")
        target = name if name else key
        if form is not None and target in form.fields:
            for message in messages:
                form.add_error(target, message)
        else:
            loose.extend(messages)
    return loose


@never_cache
@require_http_methods(["GET", "POST"])
def address_step(request):
    checkout = _checkout(request, start=True)
    if checkout is None:
        return _empty(request)
    if checkout.cart.status != checkout.cart.Status.OPEN:
        return redirect("checkout-start")
    book = selectors.address_book(request.user)
    locations = {f"{LOCATION}{place.pk}": place for place in checkout_locations(request.user)}
    billing_initial = checkout.billing_address or {}
    contact = ContactForm(
        request.POST or None,
        book=book,
        locations=locations.values(),
        initial={
            "email": checkout.email,
            "billing_same_as_shipping": checkout.billing_same_as_shipping,
            "saved_address": NEW,
        },
    )
    store_country = getattr(request.tenant, "country", "") or ""
    shipping = AddressForm(
        request.POST or None,
        prefix="shipping",
        initial=checkout.shipping_address or {},
        default_country=store_country,
    )
    billing = AddressForm(request.POST or None, prefix="billing", initial=billing_initial)
    context = {
        "step": "address",
        "contact": contact,
        "shipping": shipping,
        "billing": billing,
        "book": book,
    }
    if request.method == "GET":
        return _page(request, "address.html", context)
    contact.is_valid(), shipping.is_valid(), billing.is_valid()
    data = {
        "email": request.POST.get("email", ""),
        "billing_same_as_shipping": bool(request.POST.get("billing_same_as_shipping")),
    }
    saved = request.POST.get("saved_address", NEW)
    if saved in locations:
        data["shipping_address"] = locations[saved].shipping_address
        data["billing_same_as_shipping"] = False
        data["billing_address"] = locations[saved].billing_address
    elif book and saved != NEW:
        data["shipping_address_id"] = saved
    else:
        data["shipping_address"] = _address(shipping)
    if not data["billing_same_as_shipping"] and "billing_address" not in data:
        data["billing_address"] = _address(billing)
    try:
        services.update_checkout(checkout=checkout, buyer=_buyer(request), data=data)
    except DomainError as refused:
        errors = {
            key.replace("shipping_address_id", "saved_address"): value
            for key, value in _field_errors(refused).items()
        }
        context["errors"] = _put_errors(
            errors,
            {"": contact, "shipping_address": shipping, "billing_address": billing},
        )
        return _page(request, "address.html", context, status=400)
    return redirect("checkout-delivery")


def _address(form: AddressForm) -> dict:
    return {name: form.data.get(form.add_prefix(name), "") for name in addresses.FIELDS}


@never_cache
@require_http_methods(["GET", "POST"])
def delivery_step(request):
    checkout = _checkout(request)
    if checkout is None or not checkout.shipping_address:
        return redirect("checkout-start")
    buyer = _buyer(request)
    totals = calculations.totals(checkout, buyer)
    options = selectors.delivery_options(checkout, totals)
    initial = {"delivery_option": str(checkout.delivery_option_id or "")}
    form = DeliveryForm(request.POST or None, options=options, initial=initial)
    context = {
        "step": "delivery",
        "form": form,
        "options": options,
        "checkout": checkout,
        "totals": totals,
    }
    if request.method == "GET":
        return _page(request, "delivery.html", context)
    try:
        services.set_delivery_option(
            checkout=checkout, buyer=buyer, option_id=request.POST.get("delivery_option") or None
        )
        if checkout.delivery_option_id is None:
            raise CheckoutError(
                "Choose a delivery option.",
                fields={"delivery_option": ["Choose one of the options offered."]},
            )
    except DomainError as refused:
        form.is_valid()
        context["errors"] = _put_errors(_field_errors(refused), {"": form})
        return _page(request, "delivery.html", context, status=400)
    return redirect("checkout-payment")


@never_cache
@require_http_methods(["GET", "POST"])
def payment_step(request):
    from checkout import payment_methods

    checkout = _checkout(request)
    if checkout is None or checkout.delivery_option_id is None:
        return redirect("checkout-delivery" if checkout else "checkout-start")
    buyer = _buyer(request)
    totals = calculations.totals(checkout, buyer)
    methods = payment_methods.methods_for(totals)
    for_company = buyer.company is not None
    form = PaymentForm(
        request.POST or None,
        methods=methods,
        for_company=for_company,
        initial={
            "payment_method": checkout.payment_method,
            "note": checkout.note,
            "po_number": checkout.po_number,
        },
    )
    context = {"step": "payment", "form": form, "methods": methods, "totals": totals}
    if request.method == "GET":
        return _page(request, "payment.html", context)
    data = {
        "payment_method": request.POST.get("payment_method", ""),
        "note": request.POST.get("note", ""),
    }
    if for_company:
        data["po_number"] = request.POST.get("po_number", "")
    try:
        if not data["payment_method"]:
            raise CheckoutError(
                "Choose a payment method.",
                fields={"payment_method": ["Choose one of the payment methods offered."]},
            )
        services.update_checkout(checkout=checkout, buyer=buyer, data=data)
    except DomainError as refused:
        form.is_valid()
        context["errors"] = _put_errors(_field_errors(refused), {"": form})
        return _page(request, "payment.html", context, status=400)
    return redirect("checkout-review")


@never_cache
@require_http_methods(["GET", "POST"])
def review_step(request):
    checkout = _checkout(request)
    if checkout is None:
        return redirect("checkout-start")
    buyer = _buyer(request)
    state = selectors.checkout_state(checkout, buyer)
    if state.missing:
        return redirect(_first_missing_step(state.missing))
    totals = state.totals
    form = PlaceOrderForm(
        initial={"expected_total": totals.total.amount, "cart_version": checkout.cart.version}
    )
    context = {
        "step": "review",
        "state": state,
        "checkout": checkout,
        "totals": totals,
        "form": form,
        "country_name": addresses.country_name,
    }
    context["shipping_country"] = addresses.country_name(checkout.shipping_address.get("country"))
    if request.method == "GET":
        return _page(request, "review.html", context)
    posted = PlaceOrderForm(request.POST)
    if not posted.is_valid():
        context["errors"] = ["The page was out of date: check your order and place it again."]
        return _page(request, "review.html", context, status=400)
    try:
        order = services.complete_checkout(
            checkout=checkout,
            buyer=buyer,
            request_meta={"ip": request.META.get("REMOTE_ADDR", "")},
            expected_total=posted.cleaned_data["expected_total"],
            cart_version=posted.cleaned_data["cart_version"],
        )
    except DomainError as refused:
        context["errors"] = [
            message for messages in _field_errors(refused).values() for message in messages
        ]
        context["error_title"] = refused.message
        state = selectors.checkout_state(checkout, buyer)
        context.update(state=state, totals=state.totals)
        context["form"] = PlaceOrderForm(
            initial={
                "expected_total": state.totals.total.amount,
                "cart_version": checkout.cart.version,
            }
        )
        return _page(request, "review.html", context, status=refused.status_code)
    _remember_order(request, order.number)
    return _after_placing(order)


def _remember_order(request, number: int) -> None:
    placed = [known for known in request.session.get(SESSION_ORDERS, []) if known != number]
    request.session[SESSION_ORDERS] = ([*placed, number])[-SESSION_ORDERS_KEPT:]


def _after_placing(order):
    """Hand the shopper over: to the provider's page (a redirect), to the pay page (a client
    element, or a payment that could not start), or to the confirmation (cash on delivery, or
    paid already)."""
    from payments import gateway
    from payments import selectors as payment_selectors
    from payments.gateway import ActionKind, PaymentState

    payment = payment_selectors.latest_payment(order)
    if payment is None or payment.state in (PaymentState.SUCCEEDED, PaymentState.AUTHORISED):
        return redirect("checkout-complete", number=order.number)
    try:
        provider = gateway.get(payment.method)
    except KeyError:
        return redirect("checkout-complete", number=order.number)
    if not provider.moves_money:
        return redirect("checkout-complete", number=order.number)
    if payment.state == PaymentState.ACTION_REQUIRED or payment.state == PaymentState.PENDING:
        action = provider.next_action(payment)
        if action.kind == ActionKind.REDIRECT and action.url:
            return redirect(action.url)
    return redirect("checkout-pay", token=payment.token)


def _first_missing_step(missing: dict) -> str:
    if {"email", "shipping_address", "billing_address"} & set(missing):
        return "checkout-start"
    if "delivery_option" in missing:
        return "checkout-delivery"
    return "checkout-payment"


@never_cache
@require_http_methods(["GET"])
def complete(request, number: int):
    """The confirmation: only for the browser that placed the order (its session), or the
    signed-in account it was placed by."""
    from orders.models import Order

    order = Order.objects.filter(number=number).prefetch_related("lines").first()
    if order is None:
        raise Http404
    mine = number in request.session.get(SESSION_ORDERS, [])
    if not mine and not (request.user.is_authenticated and order.user_id == request.user.pk):
        raise Http404
    return _page(
        request, "complete.html", {"step": None, "order": order, "lines": list(order.lines.all())}
    )


# --- Paying online (payments): the pay page, the provider's return and cancel ---------------------
#
# The order is placed first (its stock reserved, the cart ordered); paying online then happens
# on /checkout/pay/<payment token>/. A failure or cancel leaves the order placed and unpaid, its
# stock kept, and the pay page offers to try again or to choose another method: the shopper's
# purchase is intact. The payment's token (a UUID given only to the shopper's browser and the
# provider) is the key to these pages; they show the order's number and total, nothing more.


def _payment_or_404(token):
    from payments import selectors as payment_selectors

    payment = payment_selectors.payment_by_token(token)
    if payment is None:
        raise Http404
    return payment


PAY_MESSAGES = {
    "cancelled": "You cancelled the payment: nothing was charged. Your order is kept: "
    "try again or choose another way to pay.",
    "failed": "The payment did not go through: nothing was charged. Your order is kept: "
    "try again or choose another way to pay.",
    "failed_part_received": "The payment was not completed: part of it was received and is "
    "kept on your order. Pay what is left, or the store will contact you.",
    "processing": "We are waiting for the payment provider to confirm your payment. "
    "This page updates when it does; you will also receive an email.",
    "unavailable": "The payment provider did not answer. Your order is kept: try again in a "
    "moment or choose another way to pay.",
}


def _pay_page(request, payment, *, message: str = "", status: int = 200):
    from payments import gateway
    from payments import selectors as payment_selectors
    from payments.gateway import ActionKind, PaymentState

    order = payment.order
    provider = gateway.get(payment.method) if payment.method in dict(gateway.choices()) else None
    closed = payment.state in (PaymentState.FAILED, PaymentState.CANCELLED)
    action = None
    if provider is not None and not closed:
        action = provider.next_action(payment)
    if not message:
        if payment.state == PaymentState.CANCELLED:
            message = PAY_MESSAGES["cancelled"]
        elif payment.state == PaymentState.FAILED and payment.captured_amount > 0:
            message = PAY_MESSAGES["failed_part_received"]  # crypto: less than asked arrived
        elif payment.state == PaymentState.FAILED:
            message = PAY_MESSAGES["failed"]
        elif payment.state == PaymentState.PENDING and payment.provider_reference:
            message = PAY_MESSAGES["processing"]
        elif payment.state == PaymentState.PENDING and payment.message:
            message = PAY_MESSAGES["unavailable"]
    urls = gateway.payment_urls(payment)
    context = {
        "step": None,
        "order": order,
        "payment": payment,
        "provider": provider,
        "action": action,
        "action_kind": action.kind if action is not None else ActionKind.NONE,
        "client_template": (
            provider.client_template
            if provider is not None
            and action is not None
            and action.kind == ActionKind.CLIENT_SECRET
            else ""
        ),
        "return_url": urls.return_url,
        "cancel_url": urls.cancel_url,
        "message": message,
        "closed": closed,
        "problem_detail": payment.message if payment.state == PaymentState.FAILED else "",
        # Another try is offered unless the provider is confirming a payment made (crypto
        # waiting for confirmations): paying twice must not be one click away.
        "methods": [
            method
            for method in payment_selectors.methods_for_retry(order)
            if closed or method.code != payment.method  # "another way": not the one on screen
        ]
        if closed
        or payment.state == PaymentState.ACTION_REQUIRED
        or (payment.state == PaymentState.PENDING and not payment.provider_reference)
        else [],
    }
    return _page(request, "pay.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def pay(request, token):
    """The pay page: the provider's element or a button to its page; after a failure or
    cancel, what happened and a way to try again (the same or another method)."""
    from payments.gateway import PaymentState

    payment = _payment_or_404(token)
    if payment.state in (PaymentState.SUCCEEDED, PaymentState.AUTHORISED):
        _remember_order(request, payment.order.number)
        return redirect("checkout-complete", number=payment.order.number)
    return _pay_page(request, payment)


@never_cache
@require_http_methods(["GET"])
def pay_return(request, token):
    """The shopper is back from the provider: ``provider.confirm`` with the query string,
    applied by the one finalisation path (a webhook that came first makes it a no-op); then
    the confirmation (succeeded, authorised, or processing), or the pay page saying what
    happened."""
    from payments import services as payment_services
    from payments.gateway import PaymentState

    payment = _payment_or_404(token)
    data = {key: request.GET.get(key, "")[:500] for key in list(request.GET)[:20]}
    payment = payment_services.confirm_return(payment=payment, data=data)
    _remember_order(request, payment.order.number)
    if payment.state in (PaymentState.SUCCEEDED, PaymentState.AUTHORISED):
        return redirect("checkout-complete", number=payment.order.number)
    if payment.state == PaymentState.PENDING and payment.provider_reference:
        return redirect("checkout-complete", number=payment.order.number)
    return _pay_page(request, payment)


@never_cache
@require_http_methods(["GET"])
def pay_cancel(request, token):
    """The shopper cancelled at the provider: the payment is cancelled (nothing charged), the
    order kept, and the pay page offers to try again."""
    from payments import services as payment_services

    payment = _payment_or_404(token)
    payment = payment_services.cancel_payment(payment=payment, source="shopper")
    return _pay_page(request, payment)


@never_cache
@require_http_methods(["POST"])
def pay_retry(request, token):
    """Pay the order again, with the method chosen (the same one or another offered): the
    shopper goes to the provider, or back to the pay page of the new payment."""
    from payments import services as payment_services
    from payments.gateway import ActionKind

    payment = _payment_or_404(token)
    code = request.POST.get("payment_method") or payment.method
    try:
        started = payment_services.create_payment_for_order(order=payment.order, method=code)
    except DomainError as refused:
        return _pay_page(request, payment, message=refused.message, status=refused.status_code)
    _remember_order(request, payment.order.number)
    if started.action.kind == ActionKind.REDIRECT and started.action.url:
        return redirect(started.action.url)
    return _after_placing(started.payment.order)
