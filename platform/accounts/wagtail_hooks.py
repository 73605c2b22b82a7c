"""The accounts app's screens in the store admin: one "Customers" menu with the store's
customers (accounts/store_admin/) and its B2B companies (b2b/store_admin/companies.py)."""

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from accounts.store_admin.customers import CustomerViewSet
from b2b.store_admin.companies import CompanyViewSet

customers = CustomerViewSet()
companies = CompanyViewSet()


@hooks.register("register_admin_viewset")
def register_customer_viewsets():
    return [customers, companies]


class CustomersMenu(SubmenuMenuItem):
    """Shown to whoever sees one of its items (the customer roles of accounts.permissions)."""


@hooks.register("register_admin_menu_item")
def register_customers_menu() -> MenuItem:
    return CustomersMenu(
        "Customers",
        Menu(items=[customers.get_menu_item(order=1), companies.get_menu_item(order=2)]),
        name="customers",
        icon_name="group",
        # After the catalog (Wagtail's Pages are at 100, Images 300, Documents 400).
        order=250,
    )
