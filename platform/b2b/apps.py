from django.apps import AppConfig


class B2bConfig(AppConfig):
    name = "b2b"
    verbose_name = "B2B"

    def ready(self) -> None:
        # Purchasing: the approval emails follow the orders' signals (after commit).
        from b2b.purchasing import emails as purchasing_emails
        from b2b.purchasing import tasks as purchasing_tasks  # noqa: F401  (registers the task)
        from orders.events import order_placed, order_status_changed

        order_placed.connect(
            purchasing_emails.on_order_placed, dispatch_uid="b2b-purchasing-approval-requested"
        )
        order_status_changed.connect(
            purchasing_emails.on_order_status_changed, dispatch_uid="b2b-purchasing-decided"
        )
        self._connect_invoicing()
        self._connect_quotes()

    def _connect_invoicing(self) -> None:
        # Invoices follow their orders (b2b.invoicing): issued on pending, paid, void.
        from b2b import invoicing
        from orders.events import order_placed, order_status_changed

        order_placed.connect(invoicing.on_order_placed, dispatch_uid="b2b-invoices-placed")
        order_status_changed.connect(
            invoicing.on_order_status_changed, dispatch_uid="b2b-invoices-status"
        )

    def _connect_quotes(self) -> None:
        # An erased person's quotes forget who asked (b2b.quotes.forget_person).
        from accounts.events import account_erased
        from b2b import quotes

        account_erased.connect(quotes.forget_person, dispatch_uid="b2b-quotes-erasure")
