"""The Celery application. Tasks run in the schema of the store that sent them."""

import os

from celery.signals import worker_process_init
from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

from observability import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = TenantAwareCeleryApp("mercato")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect(weak=False)
def _trace_worker_process(**kwargs) -> None:
    # In each pool process, after the fork: an exporter's thread does not survive a fork.
    tracing.configure("mercato-worker", celery=True)
