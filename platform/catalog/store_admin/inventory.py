"""Store admin: inventory. Variants listed low stock first, stock adjusted with a reason, and
each variant's history of adjustments.

Stock is only ever changed by catalog.inventory (row locks, an adjustment recorded for every
change, the low-stock email after commit): this screen validates what was typed and calls it.
"""

from django import forms
from django.db import transaction
from django.db.models import ExpressionWrapper, F, IntegerField, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from catalog.inventory import adjust_stock, set_stock_levels
from catalog.models import ProductVariant, StockAdjustment
from catalog.store_admin.service_views import (
    TEMPLATES,
    PermittedViewSet,
    answered_by_roles,
    paginated,
    show_domain_error,
)
from config.api_errors import DomainError
from config.api_input import column_bounds

PER_PAGE = 50
HISTORY_PER_PAGE = 50

answered_by_roles(StockAdjustment)


class StockFilter(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search by SKU or name")
    stock = forms.ChoiceField(
        required=False,
        label="Stock",
        choices=[
            ("", "All variants"),
            ("low", "Low stock (at or below the threshold)"),
            ("out", "Out of stock (none available)"),
        ],
    )


def variants_by_stock(*, search: str = "", stock: str = ""):
    """Variants with their product, least available stock first (then by SKU)."""
    available = ExpressionWrapper(
        F("stock_on_hand") - F("stock_reserved"), output_field=IntegerField()
    )
    variants = (
        ProductVariant.objects.select_related("product")
        .annotate(available=available)
        .order_by("available", "sku")
    )
    if search:
        variants = variants.filter(
            Q(sku__icontains=search)
            | Q(name__icontains=search)
            | Q(product__name__icontains=search)
        )
    if stock == "low":
        variants = variants.filter(available__lte=F("low_stock_threshold"))
    elif stock == "out":
        variants = variants.filter(available__lte=0)
    return variants


class InventoryView(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    model = StockAdjustment
    header_icon = "clipboard-list"
    index_url_name = None
    adjust_url_name = None
    history_url_name = None

    def get_breadcrumbs_items(self):
        items = [{"url": reverse(self.index_url_name), "label": "Inventory"}]
        if self.page_title != "Inventory":
            items.append({"url": "", "label": self.get_page_title()})
        return self.breadcrumbs_items + items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            can_adjust=self.user_has_permission("add"),
            adjust_url_name=self.adjust_url_name,
            history_url_name=self.history_url_name,
            index_url=reverse(self.index_url_name),
        )
        return context


class InventoryIndexView(InventoryView, TemplateView):
    """Every variant, least available first; those at or below their low-stock threshold are
    highlighted. A constant number of queries whatever the number of rows."""

    any_permission_required = ["view", "add"]
    page_title = "Inventory"
    template_name = TEMPLATES + "inventory/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = StockFilter(self.request.GET)
        wanted = filters.cleaned_data if filters.is_valid() else {}
        variants = variants_by_stock(search=wanted.get("q", ""), stock=wanted.get("stock", ""))
        context.update(filters=filters, **paginated(variants, self.request, per_page=PER_PAGE))
        return context


class AdjustmentForm(forms.Form):
    class Kind:
        CHANGE = "change"
        SET = "set"

    kind = forms.ChoiceField(
        label="Change",
        choices=[
            (Kind.CHANGE, "Add or remove (negative to remove)"),
            (Kind.SET, "Set the stock on hand to (after a count)"),
        ],
        initial=Kind.CHANGE,
        widget=forms.RadioSelect,
    )
    quantity = forms.IntegerField(**column_bounds(StockAdjustment, "delta"))
    reason = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in StockAdjustment.Reason.choices
            # Imports record their own adjustments; a person never picks "import".
            if value != StockAdjustment.Reason.IMPORT
        ]
    )
    note = forms.CharField(
        max_length=StockAdjustment._meta.get_field("note").max_length,
        required=False,
        help_text="Shown in the variant's history (a delivery number, who counted...).",
    )

    def clean(self):
        data = super().clean()
        kind, quantity = data.get("kind"), data.get("quantity")
        if kind == self.Kind.CHANGE and quantity == 0:
            self.add_error("quantity", "Give a number of units to add (or, negative, to remove).")
        if kind == self.Kind.SET and quantity is not None and quantity < 0:
            self.add_error("quantity", "The stock on hand cannot be set below zero.")
        return data


class AdjustStockView(InventoryView, FormView):
    """Change a variant's stock by a number of units, or set it to a counted level, with a
    reason and a note; recorded as an adjustment by catalog.inventory."""

    permission_required = "add"
    form_class = AdjustmentForm
    template_name = TEMPLATES + "inventory/adjust.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.variant = get_object_or_404(
            ProductVariant.objects.select_related("product"), pk=kwargs["pk"]
        )

    def get_page_title(self):
        return f"Adjust stock of {self.variant.sku}"

    def form_valid(self, form):
        data = form.cleaned_data
        common = {"reason": data["reason"], "note": data["note"], "actor": self.request.user.email}
        try:
            with transaction.atomic():
                if data["kind"] == AdjustmentForm.Kind.CHANGE:
                    changed = [
                        adjust_stock(variant_id=self.variant.pk, delta=data["quantity"], **common)
                    ]
                else:
                    changed = set_stock_levels(
                        levels=[(self.variant.pk, data["quantity"])], **common
                    )
        except DomainError as error:
            renamed = {"delta": "quantity", "stock_on_hand": "quantity"}
            show_domain_error(form, error, renamed=renamed)
            return self.form_invalid(form)
        if changed:
            messages.success(
                self.request, f"{self.variant.sku}: {changed[0].stock_after} on hand now."
            )
        else:
            messages.info(self.request, f"{self.variant.sku} already had that stock: no change.")
        return redirect(self.history_url_name, self.variant.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["variant"] = self.variant
        return context


class StockHistoryView(InventoryView, TemplateView):
    """A variant's adjustments, newest first."""

    any_permission_required = ["view", "add"]
    template_name = TEMPLATES + "inventory/history.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.variant = get_object_or_404(
            ProductVariant.objects.select_related("product"), pk=kwargs["pk"]
        )

    def get_page_title(self):
        return f"Stock history of {self.variant.sku}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        adjustments = StockAdjustment.objects.filter(variant=self.variant)
        page = paginated(adjustments, self.request, per_page=HISTORY_PER_PAGE)
        context.update(variant=self.variant, **page)
        return context


class InventoryViewSet(PermittedViewSet):
    name = "inventory"
    icon = "clipboard-list"
    menu_label = "Inventory"
    menu_permissions = ("catalog.view_stockadjustment", "catalog.add_stockadjustment")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            index_url_name=self.get_url_name("index"),
            adjust_url_name=self.get_url_name("adjust"),
            history_url_name=self.get_url_name("history"),
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            path("", self.construct_view(InventoryIndexView), name="index"),
            path("<int:pk>/adjust/", self.construct_view(AdjustStockView), name="adjust"),
            path("<int:pk>/history/", self.construct_view(StockHistoryView), name="history"),
        ]
