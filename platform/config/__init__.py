# Load the Celery app with Django, so that @shared_task binds to it (and its Redis broker).
from config.celery import app as celery_app

__all__ = ["celery_app"]
