from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "idempotency"
    verbose_name = "Idempotent API writes"

    def ready(self) -> None:
        from accounts.events import account_erased
        from idempotency import services

        def forget_erased_person(sender, user, **kwargs):
            # Stored answers may hold what the person typed (an address): gone with them.
            services.forget_caller(caller=services.person_caller(user.pk))

        account_erased.connect(forget_erased_person, weak=False, dispatch_uid="idempotency")
