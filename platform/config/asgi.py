"""ASGI entry point; servers load it as ``sourceroot:asgi_application``."""

import os

from django.core.asgi import get_asgi_application

from observability import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Before Django loads its middleware: the instrumentation adds its own (only with an endpoint).
tracing.configure("mercato-web")
application = get_asgi_application()
