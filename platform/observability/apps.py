from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    """Prometheus metrics, Sentry and OpenTelemetry: no models, only receivers and a view."""

    name = "observability"

    def ready(self) -> None:
        from observability import receivers

        receivers.connect()
