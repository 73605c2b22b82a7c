"""Search backends. ``get_backend()`` gives the one the settings chose; callers use
search.services and search.selectors, never a backend directly."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

BACKENDS = {
    "postgres": "search.backends.postgres.PostgresBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}


@cache
def _backend_class(name: str):
    return import_string(BACKENDS[name])


def get_backend():
    """The backend named by ``settings.SEARCH_BACKEND`` (postgres or elasticsearch)."""
    return _backend_class(settings.SEARCH_BACKEND)()
