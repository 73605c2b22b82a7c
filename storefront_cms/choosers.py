"""Choosers for catalog products and categories, for the storefront's StreamField blocks.

A merchant picks featured products and categories in a modal, searched by name or SKU, and
the block stores only their ids (contract 7), so the page always shows the current product.
"""

from django import forms
from django.db.models import Q, QuerySet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet


class NameSearchForm(BaseFilterForm):
    """A search box over names (catalog models are not in Wagtail's search index)."""

    q = forms.CharField(
        label="Search term",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Search"}),
    )
    search_lookups: tuple[str, ...] = ("name__icontains",)

    def filter(self, objects: QuerySet) -> QuerySet:
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        self.is_searching = True
        self.search_query = query
        condition = Q()
        for lookup in self.search_lookups:
            condition |= Q(**{lookup: query})
        return objects.filter(condition).distinct()


class ProductSearchForm(NameSearchForm):
    search_lookups = ("name__icontains", "slug__icontains", "variants__sku__iexact")


class _ProductColumns:
    filter_form_class = ProductSearchForm

    @property
    def columns(self):
        return [
            *super().columns,
            Column("status", label="Status", accessor="get_status_display"),
        ]


class ProductChooseView(_ProductColumns, ChooseView):
    pass


class ProductChooseResultsView(_ProductColumns, ChooseResultsView):
    pass


class ProductChooserViewSet(ChooserViewSet):
    model = "catalog.Product"
    icon = "tag"
    choose_one_text = "Choose a product"
    choose_another_text = "Choose another product"
    edit_item_text = "Edit product"
    per_page = 20
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView
    # Products are not edited through a ForeignKey anywhere in Wagtail's forms.
    register_widget = False


class CategoryFilterForm(NameSearchForm):
    pass


class _CategoryFilter:
    filter_form_class = CategoryFilterForm
    ordering = "path"


class CategoryChooseView(_CategoryFilter, ChooseView):
    pass


class CategoryChooseResultsView(_CategoryFilter, ChooseResultsView):
    pass


class CategoryChooserViewSet(ChooserViewSet):
    model = "catalog.Category"
    icon = "folder-open-inverse"
    choose_one_text = "Choose a category"
    choose_another_text = "Choose another category"
    edit_item_text = "Edit category"
    per_page = 30
    choose_view_class = CategoryChooseView
    choose_results_view_class = CategoryChooseResultsView
    register_widget = False


product_chooser_viewset = ProductChooserViewSet(
    "product_chooser", url_prefix="storefront/choose-product"
)
category_chooser_viewset = CategoryChooserViewSet(
    "category_chooser", url_prefix="storefront/choose-category"
)
