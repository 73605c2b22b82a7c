"""Carts in the store admin (Wagtail), under the "Orders" top-level menu, created here.

The "Orders" menu is a Wagtail submenu whose items are registered with the
``register_orders_menu_item`` hook (:data:`ORDERS_MENU_HOOK`): the orders area adds "Orders"
(and whatever follows: returns, payments...) by registering its items there, ordered by their
``order`` (Carts is 200: leave the first places to the orders themselves). The menu shows to
whoever sees one of its items. A customer's open cart is a panel on their page
(``construct_customer_detail_panels``).
"""

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from accounts.store_admin.customers import CUSTOMER_DETAIL_PANELS_HOOK
from cart.store_admin.carts import CartViewSet, add_customer_cart_panel

ORDERS_MENU_HOOK = "register_orders_menu_item"

carts = CartViewSet()


@hooks.register("register_admin_viewset")
def register_cart_viewsets():
    return [carts]


@hooks.register(ORDERS_MENU_HOOK)
def register_carts_menu_item() -> MenuItem:
    return carts.get_menu_item(order=200)


class OrdersMenu(SubmenuMenuItem):
    """Shown to whoever sees one of its items (each asks its own screen's permission)."""


@hooks.register("register_admin_menu_item")
def register_orders_menu() -> MenuItem:
    return OrdersMenu(
        "Orders",
        Menu(register_hook_name=ORDERS_MENU_HOOK),
        name="orders",
        icon_name="list-ul",
        # Between the catalog (200) and the customers (250).
        order=240,
    )


hooks.register(CUSTOMER_DETAIL_PANELS_HOOK, add_customer_cart_panel)
