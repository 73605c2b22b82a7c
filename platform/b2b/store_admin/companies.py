"""B2B companies in the store admin (Customers > Companies): the list with a status filter
(pending applications first to decide), and each company with its application, status
history, members, locations, and the staff's decisions: approve or reject with a note, payment
terms, credit limit, whether orders need approval, members' spending limits.

Who may: reading needs VIEW_CUSTOMERS (owner, order managers, support); every change needs
MANAGE_COMPANIES (owner, order managers). Every change goes through b2b.companies.services.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet

from accounts.models import Company, CompanyMembership
from accounts.permissions import MANAGE_COMPANIES, VIEW_CUSTOMERS, has_permission
from b2b.companies import selectors, services
from b2b.companies.forms import AddressForm, put_errors
from b2b.companies.state import can_transition
from checkout.addresses import FIELDS as ADDRESS_FIELDS
from config.api_errors import DomainError
from tenants.store_admin.access import RequiresPermissionMixin, requires_permission
from tenants.store_admin.forms import show_domain_error

REFUSAL_TITLE = "Companies"
REFUSAL_REASON = "Your role does not include the store's customers and companies."
MANAGE_REASON = "Companies are approved and their terms set by the owner and order managers."


class CompanyFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=Company.Status.choices)

    class Meta:
        model = Company
        fields = []


class CompanyIndexView(RequiresPermissionMixin, IndexView):
    """The store's companies: name, status, VAT number, members, terms, when they applied. One
    page of rows in one query (plus the count), whatever their number."""

    model = Company
    required_permission = VIEW_CUSTOMERS
    refusal_title = REFUSAL_TITLE
    refusal_reason = REFUSAL_REASON
    permission_policy = None
    page_title = "Companies"
    header_icon = "group"
    filterset_class = CompanyFilterSet
    search_fields = ["name", "vat_number"]
    search_backend_name = None
    default_ordering = "-created_at"
    paginate_by = 50

    def get_base_queryset(self):
        return selectors.company_list()

    def get_valid_orderings(self):
        return ["name", "-name", "created_at", "-created_at"]

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label="Company",
                sort_key="name",
                get_url=lambda company: reverse("companies:detail", args=[company.pk]),
            ),
            StatusTagColumn(
                "get_status_display",
                label="Status",
                primary=lambda company: company.status == Company.Status.APPROVED,
            ),
            Column("vat_number", label="VAT number"),
            Column("member_count", label="Members"),
            Column("get_payment_terms_display", label="Terms"),
            DateColumn("created_at", label="Opened", sort_key="created_at"),
        ]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Emailed to the applicant; required to reject.",
    )


class TermsForm(forms.Form):
    name = forms.CharField(max_length=200)
    payment_terms = forms.ChoiceField(choices=Company.PaymentTerms.choices)
    credit_limit = forms.CharField(
        required=False, help_text="In the store's currency; empty: no credit."
    )
    requires_approval = forms.BooleanField(
        required=False, label="Every order of its buyers waits for an approver"
    )


class SpendingLimitForm(forms.Form):
    spending_limit = forms.CharField(required=False, label="Spending limit")


def _company(pk: int) -> Company:
    company = selectors.company_detail(pk=pk)
    if company is None:
        raise Http404("No such company.")
    return company


def _render(request, company, *, terms=None, decision=None, status=200):
    can_manage = has_permission(request.user, MANAGE_COMPANIES)
    terms = terms or TermsForm(
        initial={
            "name": company.name,
            "payment_terms": company.payment_terms,
            "credit_limit": company.credit_limit if company.credit_limit is not None else "",
            "requires_approval": company.requires_approval,
        }
    )
    members = [
        (member, SpendingLimitForm(
            prefix=f"m{member.pk}", initial={"spending_limit": member.spending_limit or ""}))
        for member in company.memberships.all()
    ]  # fmt: skip
    context = {
        "company": company,
        "application": getattr(company, "application", None),
        "members": members,
        "locations": company.locations.all(),
        "history": company.status_changes.all(),
        "can_manage": can_manage,
        "can_approve": can_transition(company.status, Company.Status.APPROVED),
        "can_reject": can_transition(company.status, Company.Status.REJECTED),
        "decision": decision or DecisionForm(),
        "terms": terms,
    }
    return render(request, "b2b/store_admin/company_detail.html", context, status=status)


@requires_permission(VIEW_CUSTOMERS, title=REFUSAL_TITLE, reason=REFUSAL_REASON)
def company_detail(request, pk: int):
    return _render(request, _company(pk))


@require_POST
@requires_permission(MANAGE_COMPANIES, title=REFUSAL_TITLE, reason=MANAGE_REASON)
def company_decide(request, pk: int, decision: str):
    company = _company(pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    decide = services.approve_company if decision == "approve" else services.reject_company
    try:
        decide(company=company, by=request.user, note=request.POST.get("note", ""))
    except DomainError as refused:
        show_domain_error(form, refused)
        return _render(request, company, decision=form, status=refused.status_code)
    messages.success(request, f"{company.name} is {company.get_status_display().lower()}.")
    return redirect("companies:detail", pk)


@require_POST
@requires_permission(MANAGE_COMPANIES, title=REFUSAL_TITLE, reason=MANAGE_REASON)
def company_terms(request, pk: int):
    company = _company(pk)
    form = TermsForm(request.POST)
    form.is_valid()
    try:
        services.update_company_terms(
            company=company,
            by=request.user,
            name=request.POST.get("name", ""),
            payment_terms=request.POST.get("payment_terms", ""),
            credit_limit=request.POST.get("credit_limit", "").strip() or None,
            requires_approval=bool(request.POST.get("requires_approval")),
        )
    except DomainError as refused:
        show_domain_error(form, refused)
        return _render(request, company, terms=form, status=400)
    messages.success(request, f"The terms of {company.name} were saved.")
    return redirect("companies:detail", pk)


@require_POST
@requires_permission(MANAGE_COMPANIES, title=REFUSAL_TITLE, reason=MANAGE_REASON)
def member_spending_limit(request, pk: int, member: int):
    company = _company(pk)
    membership = CompanyMembership.objects.filter(company=company, pk=member).first()
    if membership is None:
        raise Http404("No such member.")
    try:
        services.update_member(
            membership=membership,
            spending_limit=request.POST.get(f"m{member}-spending_limit", "").strip() or None,
        )
    except DomainError as refused:
        text = "; ".join(m for ms in refused.fields.values() for m in ms) or refused.message
        messages.error(request, f"{membership.user.email}: {text}")
    else:
        messages.success(request, f"The spending limit of {membership.user.email} was saved.")
    return redirect("companies:detail", pk)


class LocationNameForm(forms.Form):
    name = forms.CharField(label="Location name", max_length=100)


@requires_permission(MANAGE_COMPANIES, title=REFUSAL_TITLE, reason=MANAGE_REASON)
def location_edit(request, pk: int, location: int | None = None):
    """Add a location to a company, or change one of its own (name, shipping and billing
    address, validated per country by the service)."""
    company = _company(pk)
    place = None
    if location is not None:
        place = selectors.company_locations(company=company).filter(pk=location).first()
        if place is None:
            raise Http404("No such location.")
    data = request.POST or None
    form = LocationNameForm(data, initial={"name": place.name if place else ""})
    shipping = AddressForm(data, prefix="shipping", initial=place.shipping_address if place else {})
    billing = AddressForm(data, prefix="billing", initial=place.billing_address if place else {})
    context = {"company": company, "location": place, "form": form, "shipping": shipping,
               "billing": billing}  # fmt: skip
    if request.method != "POST":
        return render(request, "b2b/store_admin/location_form.html", context)
    form.is_valid(), shipping.is_valid(), billing.is_valid()
    try:
        services.save_location(
            company=company,
            location=place,
            name=request.POST.get("name", ""),
            shipping_address=_typed_address(shipping),
            billing_address=_typed_address(billing),
        )
    except DomainError as refused:
        context["errors"] = put_errors(
            refused.fields, {"": form, "shipping_address": shipping, "billing_address": billing}
        )
        return render(request, "b2b/store_admin/location_form.html", context, status=400)
    messages.success(request, f"The location of {company.name} was saved.")
    return redirect("companies:detail", pk)


def _typed_address(form) -> dict:
    return {name: form.data.get(form.add_prefix(name), "") for name in ADDRESS_FIELDS}


class CompanyMenuItem(MenuItem):
    def is_shown(self, request):
        return has_permission(request.user, VIEW_CUSTOMERS)


class CompanyViewSet(ViewSet):
    name = "companies"
    url_prefix = "companies"
    icon = "group"
    menu_label = "Companies"
    menu_item_class = CompanyMenuItem

    def get_urlpatterns(self):
        index = dict(
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
        )
        return [
            path("", CompanyIndexView.as_view(**index), name="index"),
            path(
                "results/",
                CompanyIndexView.as_view(**index, results_only=True),
                name="index_results",
            ),
            path("<int:pk>/", company_detail, name="detail"),
            path("<int:pk>/approve/", company_decide, {"decision": "approve"}, name="approve"),
            path("<int:pk>/reject/", company_decide, {"decision": "reject"}, name="reject"),
            path("<int:pk>/terms/", company_terms, name="terms"),
            path("<int:pk>/locations/new/", location_edit, name="location_new"),
            path("<int:pk>/locations/<int:location>/", location_edit, name="location_edit"),
            path(
                "<int:pk>/members/<int:member>/spending-limit/",
                member_spending_limit,
                name="spending_limit",
            ),
        ]
