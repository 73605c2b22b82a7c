"""B2B quotes in the store admin (under Orders): the list by status, a quote's page (the
lines, the buyer's message, the history) where staff offer a unit price per line valid until
a date, or decline with a note.

Reads need VIEW_QUOTES (owner, order managers, support); answering needs MANAGE_QUOTES (owner,
order managers). Every answer goes through b2b.quotes; a refusal is shown next to its field
with what was typed (400), an illegal move says so (409).
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import MANAGE_QUOTES, VIEW_QUOTES, has_permission
from b2b import quotes
from b2b.models import QuoteStatus
from config.api_errors import DomainError
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import show_domain_error

TITLE = "Quotes"
READ_REASON = "Your role does not include the store's quotes."
MANAGE_REASON = "Only the store's owner and order managers answer quotes."
PAGE_SIZE = 50


class OfferForm(forms.Form):
    valid_until = forms.DateField(
        label="Valid until (end of day)", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label="Note to the buyer", required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"price_{line.pk}"] = forms.DecimalField(
                label=f"{line.quantity} x {line.product_name} ({line.sku})",
                max_digits=12,
                decimal_places=2,
                min_value=0,
                initial=line.quoted_price if line.quoted_price is not None else line.list_price,
            )

    def prices(self) -> dict:
        return {line.pk: self.cleaned_data[f"price_{line.pk}"] for line in self.lines}


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="Why (told to the buyer)", required=False, max_length=2000, widget=forms.Textarea
    )


def _quote_or_404(pk: int):
    quote = quotes.quote_of(pk=pk)
    if quote is None:
        raise Http404("No such quote.")
    return quote


@require_http_methods(["GET"])
@requires_permission(VIEW_QUOTES, title=TITLE, reason=READ_REASON)
def quote_list(request):
    wanted = request.GET.get("status", "")
    if wanted not in ("", *QuoteStatus.values):
        wanted = ""
    page = Paginator(quotes.quotes_of(status=wanted), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "b2b/quotes/store_admin/list.html",
        {
            "page": page,
            "quotes": page.object_list,
            "statuses": QuoteStatus.choices,
            "wanted": wanted,
        },
    )


def _detail(request, quote, *, offer=None, decline=None, status=200):
    lines = list(quote.lines.all())
    may_manage = has_permission(request.user, MANAGE_QUOTES)
    return render(
        request,
        "b2b/quotes/store_admin/detail.html",
        {
            "title": f"Quote {quote.pk} from {quote.company.name}",
            "quote": quote,
            "lines": lines,
            "total": quotes.quote_total(quote),
            "events": list(quote.events.all()),
            "offer_form": offer or OfferForm(lines=lines),
            "decline_form": decline or DeclineForm(),
            "may_offer": may_manage and quote.status == QuoteStatus.REQUESTED,
            "may_decline": may_manage
            and quote.status in (QuoteStatus.REQUESTED, QuoteStatus.OFFERED),
        },
        status=status,
    )


@require_http_methods(["GET"])
@requires_permission(VIEW_QUOTES, title=TITLE, reason=READ_REASON)
def quote_detail(request, pk: int):
    return _detail(request, _quote_or_404(pk))


@require_http_methods(["POST"])
@requires_permission(MANAGE_QUOTES, title=TITLE, reason=MANAGE_REASON)
def quote_offer(request, pk: int):
    quote = _quote_or_404(pk)
    form = OfferForm(request.POST, lines=quote.lines.all())
    if not form.is_valid():
        return _detail(request, quote, offer=form, status=400)
    try:
        quotes.offer_quote(
            quote=quote,
            prices=form.prices(),
            valid_until=form.cleaned_data["valid_until"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except DomainError as refused:
        fields = {key.replace("prices.", "price_"): value for key, value in refused.fields.items()}
        refused.fields = fields
        show_domain_error(form, refused)
        return _detail(request, quote, offer=form, status=refused.status_code)
    messages.success(request, f"Quote {quote.pk} offered: the buyer is emailed.")
    return redirect("b2b_quotes:detail", pk=quote.pk)


@require_http_methods(["POST"])
@requires_permission(MANAGE_QUOTES, title=TITLE, reason=MANAGE_REASON)
def quote_decline(request, pk: int):
    quote = _quote_or_404(pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail(request, quote, decline=form, status=400)
    try:
        quotes.decline_quote(quote=quote, note=form.cleaned_data["note"], actor=request.user)
    except DomainError as refused:
        show_domain_error(form, refused)
        return _detail(request, quote, decline=form, status=refused.status_code)
    messages.success(request, f"Quote {quote.pk} declined.")
    return redirect("b2b_quotes:detail", pk=quote.pk)
