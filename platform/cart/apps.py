from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"
    verbose_name = "Carts"

    def ready(self) -> None:
        from cart import identify

        identify.connect_sign_in_receivers()
