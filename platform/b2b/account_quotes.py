"""A company's quotes on the storefront (/account/company/quotes/): ask for a quote from the
cart (the cart page's button), the list, an offer's detail, accept it (the order, at the
quoted prices: an address, a delivery option and a payment method, as at checkout) or
withdraw it.

Members (VIEW_COMPANY) read their company's quotes; buyers (PLACE_COMPANY_ORDERS) ask, accept
and withdraw. Another company's quote is a 404. Works without JavaScript.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import PLACE_COMPANY_ORDERS
from b2b import quotes
from b2b.account_invoices import member_company
from b2b.models import QuoteStatus
from cart import identify
from checkout.forms import AddressForm
from config.api_errors import DomainError
from pricing import buyer_for

PAGE_SIZE = 25


class RequestForm(forms.Form):
    message = forms.CharField(
        label="What would you like us to know? (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcceptForm(forms.Form):
    delivery_option = forms.ChoiceField(label="Delivery")
    payment_method = forms.ChoiceField(label="Payment")
    note = forms.CharField(label="A note for the shop (optional)", max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        from payments import gateway
        from shipping.models import DeliveryOption

        super().__init__(*args, **kwargs)
        options = DeliveryOption.objects.filter(is_active=True).order_by("zone_id", "pk")
        self.fields["delivery_option"].choices = [
            (str(option.pk), f"{option.name} ({option.zone.name})")
            for option in options.select_related("zone")
        ]
        self.fields["payment_method"].choices = [
            (provider.code, provider.name) for provider in gateway.enabled_for_store()
        ]


def _quote_or_404(request, pk):
    quote = quotes.quote_of(pk=pk, company=member_company(request))
    if quote is None:
        raise Http404("No such quote.")
    return quote


@login_required
@require_http_methods(["GET"])
def quote_list(request):
    company = member_company(request)
    page = Paginator(quotes.quotes_of(company=company), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "b2b/quotes/account/list.html",
        {"company": company, "page": page, "quotes": page.object_list},
    )


@login_required
@require_http_methods(["POST"])
def quote_request(request):
    member_company(request, PLACE_COMPANY_ORDERS)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The message is too long (at most 2,000 characters).")
        return redirect("storefront-cart")
    try:
        quote = quotes.request_quote(
            cart=identify.cart_for_request(request),
            buyer=buyer_for(user=request.user),
            message=form.cleaned_data["message"],
        )
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect("storefront-cart")
    messages.success(request, f"Quote {quote.pk} requested: we will email you our offer.")
    return redirect("account-company-quote", pk=quote.pk)


@login_required
@require_http_methods(["GET"])
def quote_detail(request, pk: int):
    quote = _quote_or_404(request, pk)
    may_buy = _may_buy(request)
    return render(
        request,
        "b2b/quotes/account/detail.html",
        {
            "quote": quote,
            "lines": list(quote.lines.all()),
            "total": quotes.quote_total(quote),
            "may_accept": may_buy and quote.status == QuoteStatus.OFFERED,
            "may_withdraw": may_buy
            and quote.status in (QuoteStatus.REQUESTED, QuoteStatus.OFFERED),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def quote_accept(request, pk: int):
    member_company(request, PLACE_COMPANY_ORDERS)
    quote = _quote_or_404(request, pk)
    address = AddressForm(
        request.POST or None, prefix="shipping", initial=_default_address(request)
    )
    form = AcceptForm(request.POST or None)
    status, problem = 200, ""
    if request.method == "POST" and address.is_valid() and form.is_valid():
        try:
            order = quotes.accept_quote(
                quote=quote,
                buyer=buyer_for(user=request.user),
                shipping_address=address.cleaned_data,
                delivery_option=form.cleaned_data["delivery_option"],
                payment_method=form.cleaned_data["payment_method"],
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            status, problem = refused.status_code, refused.message
            for field, errors in refused.fields.items():
                name = field.split(".")[-1]
                target = address if field.startswith("shipping_address") else form
                if name in target.fields:
                    for error in errors:
                        target.add_error(name, error)
        else:
            messages.success(request, f"Quote accepted: order #{order.number} is placed.")
            return redirect("account-order-detail", number=order.number)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "b2b/quotes/account/accept.html",
        {
            "quote": quote,
            "lines": list(quote.lines.all()),
            "total": quotes.quote_total(quote),
            "address_form": address,
            "form": form,
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def quote_withdraw(request, pk: int):
    member_company(request, PLACE_COMPANY_ORDERS)
    quote = _quote_or_404(request, pk)
    try:
        quotes.withdraw_quote(quote=quote, actor=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Quote {quote.pk} is withdrawn.")
    return redirect("account-company-quote", pk=quote.pk)


def _may_buy(request) -> bool:
    from accounts.permissions import has_permission

    return has_permission(request.user, PLACE_COMPANY_ORDERS)


def _default_address(request) -> dict:
    from accounts.models import Address

    entry = Address.objects.filter(user=request.user).order_by("-is_default_shipping", "pk").first()
    if entry is None:
        return {}
    return {
        name: getattr(entry, name, "")
        for name in ("full_name", "company_name", "line1", "line2", "city", "region",
                     "postal_code", "country", "phone")
    }  # fmt: skip
