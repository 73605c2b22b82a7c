"""Catalog search: one interface, Elasticsearch and PostgreSQL backends (see ARCHITECTURE.md).

Callers use ``search.selectors`` (``search_products``, ``suggest_products``) and
``search.services`` (``index_products``, ``remove_products``, ``reindex_store``); the
``SEARCH_BACKEND`` setting (``elasticsearch`` when ``ELASTICSEARCH_URL`` is set, else
``postgres``) picks the backend, and no caller knows which. Indexing follows the catalog's
``products_changed`` event through a Celery task run in the store's schema.
"""
