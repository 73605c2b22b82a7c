from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from accounts.events import account_erased
        from orders import emails, erasure, selectors, services
        from orders.events import order_placed, order_status_changed
        from tenants import currency_locks
        from tenants.limits import register_usage_counter
        from tenants.signals import store_provisioned

        register_usage_counter("monthly_orders", selectors.orders_this_month)
        currency_locks.register(selectors.currency_lock)
        account_erased.connect(erasure.anonymise_orders_of, dispatch_uid="orders-erasure")
        order_placed.connect(emails.on_order_placed, dispatch_uid="orders-emails-placed")
        order_status_changed.connect(
            emails.on_order_status_changed, dispatch_uid="orders-emails-status"
        )
        store_provisioned.connect(
            services.send_store_emails_to_the_owner, dispatch_uid="orders-staff-email-default"
        )
