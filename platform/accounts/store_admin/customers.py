"""Customers in the store admin: the list (search, filters, CSV export), a customer's page,
and the owner's actions on an account (deactivate, reactivate, erase on request).

Who may do what is accounts.permissions' table; every write is an accounts service.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput

from accounts import selectors, services
from accounts.models import Company, User
from accounts.permissions import (
    DEACTIVATE_CUSTOMERS,
    ERASE_CUSTOMERS,
    EXPORT_CUSTOMERS,
    RESEND_VERIFICATION,
    VIEW_CUSTOMERS,
    has_permission,
)
from config.api_errors import DomainError
from tenants.store_admin.access import RequiresPermissionMixin, refuse, requires_permission

# Later issues (orders, carts) add their sections to a customer's page through this hook:
# ``@hooks.register(CUSTOMER_DETAIL_PANELS_HOOK) def f(request, customer, panels)`` appends
# laces Components (rendered in order, below the profile).
CUSTOMER_DETAIL_PANELS_HOOK = "construct_customer_detail_panels"

REFUSAL_TITLE = "Customers"
REFUSAL_REASON = "Your role does not include the store's customers."

# A spreadsheet opens a cell starting with one of these as a formula (CSV injection): such a
# value is written with a leading apostrophe, which spreadsheets show as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CustomerFilterSet(WagtailFilterSet):
    email_verified = django_filters.BooleanFilter(
        label="Email verified", field_name="email_verified"
    )
    company = django_filters.ModelChoiceFilter(
        label="B2B company",
        field_name="company_membership__company",
        queryset=Company.objects.order_by("name"),
    )
    signed_up_since = django_filters.DateFilter(
        label="Signed up since",
        field_name="date_joined",
        lookup_expr="date__gte",
        widget=AdminDateInput,
    )

    class Meta:
        model = User
        fields = []


def _full_name(customer: User) -> str:
    return customer.get_full_name() or customer.email


def _company_name(customer: User) -> str:
    membership = getattr(customer, "company_membership", None)
    return membership.company.name if membership is not None else ""


class CustomerIndexView(RequiresPermissionMixin, IndexView):
    """The customer list: shoppers only, searchable by name and email, filterable, and
    exportable as CSV (a constant number of queries whatever the number of customers)."""

    model = User
    required_permission = VIEW_CUSTOMERS
    refusal_title = REFUSAL_TITLE
    refusal_reason = REFUSAL_REASON
    permission_policy = None  # the role table decides (RequiresPermissionMixin)
    page_title = "Customers"
    verbose_name = "customer"
    verbose_name_plural = "customers"
    header_icon = "group"
    filterset_class = CustomerFilterSet
    search_fields = ["email", "first_name", "last_name"]
    search_backend_name = None  # the ORM, by words (search_queryset)
    default_ordering = "-date_joined"
    paginate_by = 50
    list_export = ["email", "first_name", "last_name", "email_verified", "company", "date_joined"]
    export_headings = {
        "email": "Email",
        "email_verified": "Email verified",
        "company": "Company",
        "date_joined": "Signed up",
    }
    export_filename = "customers"

    def get_base_queryset(self):
        return selectors.customer_list()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        # Every word must match a name or the email: "ada love" finds Ada Lovelace.
        for word in self.search_query.split()[:8]:
            queryset = queryset.filter(
                Q(email__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
            )
        return queryset

    def get_valid_orderings(self):
        return ["email", "-email", "date_joined", "-date_joined"]

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label="Name",
                accessor=_full_name,
                get_url=lambda customer: reverse("customers:detail", args=[customer.pk]),
            ),
            Column("email", label="Email", sort_key="email"),
            BooleanColumn("email_verified", label="Email verified"),
            Column("company", label="Company", accessor=_company_name),
            DateColumn("date_joined", label="Signed up", sort_key="date_joined"),
            BooleanColumn("is_active", label="Active"),
        ]

    @cached_property
    def show_export_buttons(self):
        return has_permission(self.request.user, EXPORT_CUSTOMERS)

    def get(self, request, *args, **kwargs):
        if self.is_export and not self.show_export_buttons:
            return refuse(
                request,
                title=REFUSAL_TITLE,
                reason="Exporting customers is the owner's and the order managers'.",
            )
        return super().get(request, *args, **kwargs)

    def to_row_dict(self, item):
        return {
            field: _company_name(item) if field == "company" else getattr(item, field)
            for field in self.list_export
        }

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
            return "'" + value
        return value


def _customer_or_404(pk: int) -> User:
    customer = selectors.customer_detail(pk=pk)
    if customer is None:
        raise Http404("No such customer.")
    return customer


@requires_permission(VIEW_CUSTOMERS, title=REFUSAL_TITLE, reason=REFUSAL_REASON)
def customer_detail(request, pk: int):
    """A customer's page: profile, addresses, company, and the sections later areas add."""
    customer = _customer_or_404(pk)
    panels = []
    for hook in hooks.get_hooks(CUSTOMER_DETAIL_PANELS_HOOK):
        hook(request, customer, panels)
    membership = getattr(customer, "company_membership", None)
    user = request.user
    return render(
        request,
        "accounts/store_admin/customer_detail.html",
        {
            "customer": customer,
            "addresses": customer.addresses.all(),
            "membership": membership,
            "panels": panels,
            "may_deactivate": has_permission(user, DEACTIVATE_CUSTOMERS),
            "may_erase": has_permission(user, ERASE_CUSTOMERS),
            "may_resend": has_permission(user, RESEND_VERIFICATION),
        },
    )


def _back_to(customer: User):
    return redirect("customers:detail", pk=customer.pk)


@require_POST
@requires_permission(
    DEACTIVATE_CUSTOMERS, title=REFUSAL_TITLE, reason="Only the store's owner locks accounts."
)
def deactivate(request, pk: int):
    customer = _customer_or_404(pk)
    try:
        services.deactivate_customer(user=customer, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{customer.email} can no longer sign in.")
    return _back_to(customer)


@require_POST
@requires_permission(
    DEACTIVATE_CUSTOMERS, title=REFUSAL_TITLE, reason="Only the store's owner unlocks accounts."
)
def reactivate(request, pk: int):
    customer = _customer_or_404(pk)
    try:
        services.reactivate_customer(user=customer, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{customer.email} can sign in again.")
    return _back_to(customer)


@require_POST
@requires_permission(
    RESEND_VERIFICATION,
    title=REFUSAL_TITLE,
    reason="Verification emails are sent by the owner and the order managers.",
)
def resend_verification(request, pk: int):
    customer = _customer_or_404(pk)
    try:
        services.resend_verification_email(user=customer, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A new verification link was sent to {customer.email}.")
    return _back_to(customer)


class ErasureForm(forms.Form):
    """The owner confirms an erasure request by typing the customer's email address."""

    confirm_email = forms.CharField(
        label="Type the customer's email address to confirm",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, customer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer

    def clean_confirm_email(self) -> str:
        typed = self.cleaned_data["confirm_email"].strip()
        if typed.lower() != self.customer.email.lower():
            raise forms.ValidationError("This is not the customer's email address.")
        return typed


@requires_permission(
    ERASE_CUSTOMERS, title=REFUSAL_TITLE, reason="Only the store's owner erases accounts."
)
def erase(request, pk: int):
    """Erase on request (GDPR): a page that says what goes, then the erasure service."""
    customer = _customer_or_404(pk)
    form = ErasureForm(request.POST if request.method == "POST" else None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_customer_on_request(user=customer, by=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The customer's personal data was erased.")
            return redirect("customers:index")
    return render(
        request,
        "accounts/store_admin/customer_erase.html",
        {"customer": customer, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


class CustomerMenuItem(MenuItem):
    def is_shown(self, request):
        return has_permission(request.user, VIEW_CUSTOMERS)


class CustomerViewSet(ViewSet):
    """The customers' screens, under the "Customers" menu (accounts/wagtail_hooks.py)."""

    name = "customers"
    url_prefix = "customers"
    icon = "user"
    menu_label = "Customers"
    menu_item_class = CustomerMenuItem

    def get_urlpatterns(self):
        index = dict(
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
        )
        return [
            path("", CustomerIndexView.as_view(**index), name="index"),
            path(
                "results/",
                CustomerIndexView.as_view(**index, results_only=True),
                name="index_results",
            ),
            path("<int:pk>/", customer_detail, name="detail"),
            path("<int:pk>/deactivate/", deactivate, name="deactivate"),
            path("<int:pk>/reactivate/", reactivate, name="reactivate"),
            path("<int:pk>/resend-verification/", resend_verification, name="resend_verification"),
            path("<int:pk>/erase/", erase, name="erase"),
        ]
