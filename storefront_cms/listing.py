"""A page of products with facets, sorting and pagination: category, brand and search pages.

Everything a shopper chooses is a GET parameter, so filters, sorting and paging work with
JavaScript off and every state has a URL. The products come from the search interface
(search.selectors.search_products), whatever backend answers it.
"""

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict

from pricing import Channel
from search.query import MAX_PAGE, PAGE_SIZE, SearchError
from search.selectors import search_products
from storefront_cms import selectors

SORTS = {
    "relevance": "Relevance",
    "name": "Name: A to Z",
    "-name": "Name: Z to A",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "newest": "Newest",
}
TRUE_WORDS = {"1", "true", "yes", "on"}
# Parameters that name a listing; any other (utm_source, fbclid...) changes nothing on it.
LISTING_PARAMETERS = ("q", "brand", "category", "price", "price_min", "price_max", "in_stock")


@dataclass
class Choice:
    """What a shopper asked for: filters in the search vocabulary, sort, page, search text."""

    filters: dict[str, str]
    sort: str
    page: int
    text: str = ""

    def params(self, **changes) -> dict[str, str]:
        """The URL parameters of this choice, with ``changes`` (None removes one)."""
        params = {"q": self.text, **self.filters, "sort": self.sort, "page": str(self.page)}
        params.update(changes)
        if params.get("page") in ("1", 1):
            params.pop("page")
        return {key: str(value) for key, value in sorted(params.items()) if value not in (None, "")}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    param: str
    label: str
    multiple: bool  # checkboxes (any of) or radio buttons (one of)
    options: list[FacetOption]


@dataclass
class PageLink:
    number: int | None  # None: a gap ("...")
    url: str = ""
    current: bool = False


@dataclass
class Listing:
    choice: Choice
    products: list
    total: int
    facets: list[Facet] = field(default_factory=list)
    pages: list[PageLink] = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    did_you_mean: str | None = None
    did_you_mean_url: str = ""
    sort_choices: dict[str, str] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(self.total / PAGE_SIZE)))


def read_choice(params: QueryDict, *, text: str = "", fixed: tuple[str, ...] = ()) -> Choice:
    """The shopper's choice from the query string; never fails: what cannot be read is left
    out (the search names what it refuses). ``fixed`` filters belong to the page (a brand
    page's brand) and are not read from the query."""
    filters: dict[str, str] = {}
    for name in params:
        if name in fixed:
            continue
        if name == "brand" or name.startswith("attr."):
            values = {item.strip() for value in params.getlist(name) for item in value.split(",")}
            joined = ",".join(sorted(value for value in values if value))
            if joined:
                filters[name] = joined
        elif name in ("category", "price_min", "price_max"):
            value = params.get(name, "").strip()[:100]
            if value:
                filters[name] = value
        elif name == "in_stock" and params.get(name, "").lower() in TRUE_WORDS:
            filters["in_stock"] = "true"
    price = params.get("price", "")
    if "-" in price and "price_min" not in filters and "price_max" not in filters:
        low, high = price.split("-", 1)
        filters.update({k: v for k, v in (("price_min", low), ("price_max", high)) if v})
    sort = params.get("sort", "")
    default_sort = "relevance" if text else "name"
    try:
        page = int(params.get("page", "1"))
    except ValueError:
        page = 1
    return Choice(
        filters=filters,
        sort=sort if sort in SORTS and (sort != "relevance" or text) else default_sort,
        page=min(max(page, 1), MAX_PAGE),
        text=text,
    )


def product_listing(
    *, path: str, channel: Channel, choice: Choice, fixed: dict | None = None, facets=True
) -> Listing:
    """One page of products for ``choice`` (plus the page's ``fixed`` filters): cards, facets,
    page links and "did you mean". A filter the search refuses is dropped and named in
    ``errors``, so the shopper sees the rest of the page."""
    fixed = fixed or {}
    errors: dict[str, str] = {}
    for _attempt in range(2):
        try:
            result = search_products(
                text=choice.text,
                channel=channel,
                filters={**choice.filters, **fixed},
                sort=choice.sort,
                page=choice.page,
                fixed=tuple(fixed),  # the page's own category or brand scopes its facets
            )
            break
        except SearchError as error:
            bad = set(error.fields or {})
            errors.update({name: " ".join(messages) for name, messages in error.fields.items()})
            choice.filters = {k: v for k, v in choice.filters.items() if k not in bad}
            if "sort" in bad:
                choice.sort = "relevance" if choice.text else "name"
    else:  # pragma: no cover - the second attempt has only accepted filters left
        raise RuntimeError("the search refused its own filters")

    products = selectors.product_cards([hit.product_id for hit in result.hits])
    listing = Listing(
        choice=choice,
        products=products,
        total=result.total,
        errors=errors,
        did_you_mean=result.did_you_mean,
        sort_choices={k: v for k, v in SORTS.items() if k != "relevance" or choice.text},
    )
    if result.did_you_mean:
        listing.did_you_mean_url = _url(path, {"q": result.did_you_mean})
    if facets:
        listing.facets = _facets(result.facets, choice, skip=set(fixed))
    _paginate(listing, path)
    return listing


def _facets(raw: dict, choice: Choice, *, skip: set[str]) -> list[Facet]:
    facets = []
    filters = choice.filters
    for param, label, key in (("category", "Category", "category"), ("brand", "Brand", "brand")):
        if param in skip or not raw.get(key):
            continue
        selected = set(filters.get(param, "").split(","))
        options = [FacetOption(v.value, v.label, v.count, v.value in selected) for v in raw[key]]
        facets.append(Facet(param, label, param == "brand", options))
    price = _price_facet(raw.get("price", []), filters)
    if price:
        facets.append(price)
    codes = sorted(key.removeprefix("attr.") for key in raw if key.startswith("attr."))
    names = selectors.attribute_names(codes)
    for code in codes:
        param = f"attr.{code}"
        selected = set(filters.get(param, "").split(","))
        options = [FacetOption(v.value, v.label, v.count, v.value in selected) for v in raw[param]]
        facets.append(Facet(param, names.get(code, code), True, options))
    return facets


def _price_facet(values, filters) -> Facet | None:
    if not values:
        return None
    current = f"{filters.get('price_min', '')}-{filters.get('price_max', '')}"
    options = [FacetOption(v.value, v.label, v.count, v.value == current) for v in values]
    return Facet("price", "Price", False, options)


def _paginate(listing: Listing, path: str) -> None:
    choice, last = listing.choice, listing.page_count
    current = min(choice.page, last)
    wanted = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    previous = 0
    for number in wanted:
        if number - previous > 1:
            listing.pages.append(PageLink(None))
        listing.pages.append(
            PageLink(number, _url(path, choice.params(page=number)), number == current)
        )
        previous = number
    if current > 1:
        listing.previous_url = _url(path, choice.params(page=current - 1))
    if current < last:
        listing.next_url = _url(path, choice.params(page=current + 1))


def _url(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params)}" if params else path
