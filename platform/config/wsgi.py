"""WSGI entry point; servers load it as ``sourceroot:wsgi_application``."""

import os

from django.core.wsgi import get_wsgi_application

from observability import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Before Django loads its middleware: the instrumentation adds its own (only with an endpoint).
tracing.configure("mercato-web")
application = get_wsgi_application()
