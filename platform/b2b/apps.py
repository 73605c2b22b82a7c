from django.apps import AppConfig


class B2bConfig(AppConfig):
    name = "b2b"
    verbose_name = "B2B"
