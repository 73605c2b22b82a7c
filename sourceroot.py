"""The one place that puts ``platform/`` on ``sys.path``.

``platform/`` is a *source root*, not a package: a package named ``platform`` would shadow the
standard-library module that requests, celery and friends import. Its apps therefore import as
``config``, ``accounts``, ``catalog``... once this directory is on the path. Every entry point
(manage.py, the WSGI/ASGI servers, the Celery worker) goes through :func:`activate`; pytest uses
the equivalent ``pythonpath`` setting in pyproject.toml.

Servers name their application through this module so that they need no PYTHONPATH tricks::

    gunicorn sourceroot:wsgi_application
    celery -A sourceroot:celery_app worker
"""

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
PLATFORM_DIR = PROJECT_ROOT / "platform"


def activate(settings_module: str = "config.settings") -> None:
    """Make the platform apps importable and point Django at the settings module."""
    # Prepending is safe: platform/ holds no module named like one of the standard library's, and
    # the project root only adds the ``platform`` *directory*, which has no __init__.py, so the
    # import system ranks it below the real ``platform`` module.
    for path in (str(PLATFORM_DIR), str(PROJECT_ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)


def __getattr__(name: str):
    # Lazy attributes, so that importing this module never boots Django by accident.
    if name == "wsgi_application":
        activate()
        from config.wsgi import application

        return application
    if name == "asgi_application":
        activate()
        from config.asgi import application

        return application
    if name == "celery_app":
        activate()
        from config.celery import app

        return app
    raise AttributeError(name)
