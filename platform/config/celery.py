"""The Celery application. Tasks run in the schema of the store that sent them."""

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = TenantAwareCeleryApp("mercato")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
