"""The page of a store admin listing, and its query string for the pager's links."""

from django.core.paginator import Page, Paginator


def page_of(request, rows, per_page: int) -> tuple[Page, str]:
    """The requested page of ``rows`` and the query string without ``page`` (the filters the
    pager's links keep)."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
