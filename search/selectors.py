"""Reads of the search: the one interface the API and the storefront call.

Neither knows which backend answers: the settings choose it (``SEARCH_BACKEND``).
"""

from pricing import Channel
from search.backends import get_backend
from search.query import SearchResult, Suggestion, build_query


def search_products(
    *, text: str, channel: Channel, filters: dict, sort: str = "", page: int = 1, fixed=()
) -> SearchResult:
    """Products of ``channel`` matching ``text`` and ``filters``, one page of hits with the
    total, facet counts (category, brand, price ranges, attributes) and a "did you mean".

    Filters use the shop listing's vocabulary (category, brand, price_min, price_max,
    in_stock, ``attr.<code>``). Facet counts are disjunctive (each facet as if its own filter
    were off), except for the filters named in ``fixed`` (category, brand): those scope the
    whole search, as a category or brand page does. Raises SearchError naming every invalid
    parameter.
    """
    query = build_query(
        text=text, channel=channel, filters=filters, sort=sort, page=page, fixed=fixed
    )
    return get_backend().search(query)


def suggest_products(*, prefix: str, channel: Channel, limit: int = 8) -> list[Suggestion]:
    """Autocomplete: up to ``limit`` products of ``channel`` whose name words start with
    ``prefix`` (typos corrected when nothing matches as typed)."""
    return get_backend().suggest(prefix=prefix.strip()[:100], channel=Channel(channel), limit=limit)
