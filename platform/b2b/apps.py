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
