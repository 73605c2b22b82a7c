"""B2B companies in the store admin: the list, and each company with its members (read-only:
companies are opened and managed by their own admins, on the storefront and the API)."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet

from accounts import selectors
from accounts.models import Company
from accounts.permissions import VIEW_CUSTOMERS, has_permission
from tenants.store_admin.access import RequiresPermissionMixin, requires_permission

REFUSAL_TITLE = "Companies"
REFUSAL_REASON = "Your role does not include the store's customers and companies."


class CompanyIndexView(RequiresPermissionMixin, IndexView):
    model = Company
    required_permission = VIEW_CUSTOMERS
    refusal_title = REFUSAL_TITLE
    refusal_reason = REFUSAL_REASON
    permission_policy = None
    page_title = "Companies"
    header_icon = "group"
    search_fields = ["name", "vat_number"]
    search_backend_name = None
    default_ordering = "name"
    paginate_by = 50

    def get_base_queryset(self):
        return Company.objects.annotate(member_count=Count("memberships"))

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
            Column("vat_number", label="VAT number"),
            Column("member_count", label="Members"),
            DateColumn("created_at", label="Opened", sort_key="created_at"),
        ]


@requires_permission(VIEW_CUSTOMERS, title=REFUSAL_TITLE, reason=REFUSAL_REASON)
def company_detail(request, pk: int):
    company = Company.objects.filter(pk=pk).first()
    if company is None:
        raise Http404("No such company.")
    return render(
        request,
        "accounts/store_admin/company_detail.html",
        {"company": company, "members": selectors.company_members(company=company)},
    )


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
        ]
