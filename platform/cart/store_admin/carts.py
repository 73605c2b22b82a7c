"""Carts in the store admin, read-only: the recent carts (filter: abandoned, status), a cart's
page with its lines, and a customer's open cart on their page (``construct_customer_detail_
panels``). Under the "Orders" menu (cart/wagtail_hooks.py).

Who may: ``accounts.permissions.VIEW_CARTS`` (the owner and the order managers). Nothing here
writes; the cart's token (a credential of anonymous carts) is never shown.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet

from accounts.permissions import VIEW_CARTS, has_permission
from cart.models import Cart
from cart.selectors import buyer_of_cart, cart_view
from cart.store_admin import selectors
from tenants.store_admin.access import RequiresPermissionMixin, requires_permission

REFUSAL_TITLE = "Carts"
REFUSAL_REASON = "Carts are seen by the store's owner and its order managers."


class CartFilterSet(WagtailFilterSet):
    abandoned = django_filters.BooleanFilter(
        label="Abandoned",
        method="filter_abandoned",
        widget=forms.Select(
            choices=[("", "All carts"), ("true", "Abandoned only"), ("false", "Not abandoned")]
        ),
    )
    status = django_filters.ChoiceFilter(label="Status", choices=Cart.Status.choices)

    class Meta:
        model = Cart
        fields = []

    def filter_abandoned(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            selectors.abandoned_carts(queryset) if value else queryset.exclude(selectors.ABANDONED)
        )


def _row(attribute: str):
    return lambda cart: getattr(selectors.cart_row(cart), attribute)


class CartIndexView(RequiresPermissionMixin, IndexView):
    """The store's carts, most recently changed first: who, how many items, the subtotal
    priced now, when last changed, status, whether the reminder went. One page of rows in a
    constant number of queries, whatever the number of carts or lines."""

    model = Cart
    required_permission = VIEW_CARTS
    refusal_title = REFUSAL_TITLE
    refusal_reason = REFUSAL_REASON
    permission_policy = None  # the role table decides (RequiresPermissionMixin)
    page_title = "Carts"
    verbose_name = "cart"
    verbose_name_plural = "carts"
    header_icon = "list-ul"
    filterset_class = CartFilterSet
    search_fields = ["user__email"]
    search_backend_name = None  # the ORM (search_queryset)
    paginate_by = 50

    def get_base_queryset(self):
        return selectors.cart_list()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        for word in self.search_query.split()[:8]:
            queryset = queryset.filter(
                Q(user__email__icontains=word)
                | Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
            )
        return queryset

    default_ordering = "-updated_at"

    def get_valid_orderings(self):
        return ["updated_at", "-updated_at"]

    def order_queryset(self, queryset):
        # Ties (carts changed in the same instant) keep one order from page to page.
        ordering = self.ordering or self.default_ordering
        return queryset.order_by(ordering, ordering.replace("updated_at", "pk"))

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "customer",
                label="Customer",
                accessor=_row("customer"),
                get_url=lambda cart: reverse("carts:detail", args=[cart.pk]),
            ),
            Column("items", label="Items", accessor=_row("item_count")),
            Column("subtotal", label="Subtotal", accessor=_row("subtotal")),
            DateColumn("updated_at", label="Last change", sort_key="updated_at"),
            Column("status", label="Status", accessor=_status_label),
            BooleanColumn("reminder", label="Reminder sent", accessor=_reminded),
        ]


def _status_label(cart: Cart) -> str:
    if selectors.cart_row(cart).abandoned:
        return "Abandoned"
    return cart.get_status_display()


def _reminded(cart: Cart) -> bool:
    return cart.reminder_sent_at is not None


@requires_permission(VIEW_CARTS, title=REFUSAL_TITLE, reason=REFUSAL_REASON)
def cart_detail(request, pk: int):
    """A cart's page: who, its dates (created, changed, abandoned, reminded) and its lines
    priced now for its owner, with what changed since they were added."""
    cart = selectors.cart_detail(pk)
    if cart is None:
        raise Http404("No such cart.")
    view = cart_view(cart, buyer_of_cart(cart))
    customer_url = None
    if cart.user_id is not None and not (cart.user.staff_role or cart.user.is_staff):
        customer_url = reverse("customers:detail", args=[cart.user_id])
    return render(
        request,
        "cart/store_admin/cart_detail.html",
        {
            "cart": cart,
            "title": f"Cart {cart.pk}",
            "view": view,
            "customer": selectors.customer_label(cart),
            "customer_url": customer_url,
            "abandoned": selectors.is_abandoned(cart),
        },
    )


class CustomerCartPanel(Component):
    """A customer's open cart, on their page in the admin (construct_customer_detail_panels)."""

    name = "customer_cart"
    template_name = "cart/store_admin/customer_cart_panel.html"

    def __init__(self, customer):
        self.customer = customer

    def get_context_data(self, parent_context=None):
        cart = selectors.open_cart_of(self.customer)
        return {
            "cart": cart,
            "row": selectors.cart_row(cart) if cart is not None else None,
            "carts_url": reverse("carts:index"),
        }


def add_customer_cart_panel(request, customer, panels: list) -> None:
    """construct_customer_detail_panels: the cart section, for those who may see carts."""
    if has_permission(request.user, VIEW_CARTS):
        panels.append(CustomerCartPanel(customer))


class CartMenuItem(MenuItem):
    def is_shown(self, request):
        return has_permission(request.user, VIEW_CARTS)


class CartViewSet(ViewSet):
    """The carts' screens, under the "Orders" menu (cart/wagtail_hooks.py)."""

    name = "carts"
    url_prefix = "carts"
    icon = "list-ul"
    menu_label = "Carts"
    menu_item_class = CartMenuItem

    def get_urlpatterns(self):
        index = dict(
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
        )
        return [
            path("", CartIndexView.as_view(**index), name="index"),
            path(
                "results/",
                CartIndexView.as_view(**index, results_only=True),
                name="index_results",
            ),
            path("<int:pk>/", cart_detail, name="detail"),
        ]
