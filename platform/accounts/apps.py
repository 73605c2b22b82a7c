from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Describes API key authentication in the OpenAPI schema.
        from accounts.api import schema  # noqa: F401
