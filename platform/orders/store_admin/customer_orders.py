"""A customer's orders on their page in the admin (``construct_customer_detail_panels``): the
latest few, and a link to the Orders list filtered to the customer (``?customer=<id>``)."""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from accounts.permissions import VIEW_ORDERS, has_permission
from orders import staff_selectors
from orders.staff_selectors import OrderFilters

LATEST = 5


class CustomerOrdersPanel(Component):
    name = "customer_orders"
    template_name = "orders/store_admin/customer_orders_panel.html"

    def __init__(self, customer):
        self.customer = customer

    def get_context_data(self, parent_context=None):
        orders = staff_selectors.staff_orders(OrderFilters(customer=self.customer.pk))
        latest = list(orders[: LATEST + 1])  # one more than shown: whether there are others
        return {
            "orders": latest[:LATEST],
            "more": len(latest) > LATEST,
            "all_url": f"{reverse('orders:index')}?customer={self.customer.pk}",
        }


def add_customer_orders_panel(request, customer, panels: list) -> None:
    """construct_customer_detail_panels: the orders section, for those who may read orders."""
    if has_permission(request.user, VIEW_ORDERS):
        panels.append(CustomerOrdersPanel(customer))
