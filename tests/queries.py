"""Counting a request's SQL statements in query-count tests."""


def statements(queries) -> int:
    """The statements captured (a ``CaptureQueriesContext``) but django-tenants'
    ``SET search_path``, which comes or not with what the connection did before: the store
    lookup reads the public tables by their full names, and a connection already on the
    request's store sets nothing (TENANT_LIMIT_SET_CALLS)."""
    return sum(1 for query in queries if not query["sql"].startswith("SET search_path"))
