"""Catalog search: one interface, Elasticsearch and PostgreSQL backends (see ARCHITECTURE.md).

The settings already choose the backend (``SEARCH_BACKEND``: ``elasticsearch`` when
``ELASTICSEARCH_URL`` is set, else ``postgres``); the interface and both backends are built by
the catalog-search issue, on top of the catalog.
"""
