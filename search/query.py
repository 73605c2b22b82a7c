"""The search interface's data: what a caller asks, what a backend answers.

Callers (the API, the storefront) build a :class:`SearchQuery` through :func:`build_query`,
which validates every filter against the store's catalog and raises one ``SearchError`` naming
each bad field. Backends receive the resolved query (ids and tokens) and never see raw input.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from catalog.models import Attribute, Brand, Category
from config.api_errors import DomainError
from pricing import Channel

SORTS = ("relevance", "name", "-name", "newest", "price", "-price")
PAGE_SIZE = 24
MAX_PAGE = 400
# Upper bounds of the price-range facet's buckets, in the channel's prices; the last is open.
# In a currency whose unit is worth about a US dollar or euro; see :func:`price_ranges`.
PRICE_RANGES = (Decimal(25), Decimal(50), Decimal(100), Decimal(250), Decimal(500))
# Currencies whose unit is worth far less, by the power of ten their round prices are larger:
# ¥2,500 to ¥5,000 is a price range as $25 to $50 is (bounds stay round numbers, whole in
# every currency, zero-decimal ones included). Orders of magnitude, not exchange rates.
PRICE_RANGE_SCALES = {
    **dict.fromkeys(
        ("AED", "BRL", "CNY", "CZK", "DKK", "HKD", "ILS", "MXN", "MYR", "NOK", "PLN", "RON",
         "SAR", "SEK", "TRY", "ZAR"),
        10,
    ),
    **dict.fromkeys(("INR", "ISK", "JPY", "PHP", "THB", "TWD", "UAH"), 100),
    **dict.fromkeys(("ARS", "CLP", "HUF", "KRW", "NGN", "XAF", "XOF"), 1000),
    **dict.fromkeys(("COP", "IDR", "VND"), 10000),
}  # fmt: skip


def price_ranges(currency: str) -> tuple[Decimal, ...]:
    """The bounds of the price-range facet's buckets in ``currency`` (the store's)."""
    scale = PRICE_RANGE_SCALES.get((currency or "").upper(), 1)
    return tuple(bound * scale for bound in PRICE_RANGES)


TRUE_WORDS = {"1", "true", "yes"}


class SearchError(DomainError):
    code = "invalid"


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    channel: Channel = Channel.B2C
    category_id: int | None = None
    brand_ids: tuple[int, ...] | None = None
    # One group per attribute: a product matches a group if it has any of its tokens.
    attribute_groups: tuple[tuple[str, ...], ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE
    facets: bool = True
    # Filters that define the page rather than refine it (a category page's category, a brand
    # page's brand): they narrow the facet counts too, and the backend reads only their matches.
    fixed: frozenset[str] = frozenset()


@dataclass
class Hit:
    product_id: int
    name: str
    slug: str
    brand: str
    min_price: Decimal | None
    max_price: Decimal | None
    # The store's (search documents hold amounts; the currency is the store's setting).
    currency: str
    in_stock: bool
    score: float = 0.0


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    did_you_mean: str | None = None
    page: int = 1
    backend: str = ""


@dataclass
class Suggestion:
    text: str
    slug: str
    product_id: int


FIXABLE = frozenset({"category", "brand"})


def build_query(
    *, text: str, channel: Channel, filters: dict, sort: str = "", page: int = 1, fixed=()
):
    """Validate raw filters (the shop listing's vocabulary) into a :class:`SearchQuery`.

    Filters: category (slug, subtree), brand (slugs, comma separated), price_min, price_max,
    in_stock, ``attr.<code>`` (values, comma separated). ``fixed`` names the filters (category,
    brand) that scope the whole search, facet counts included. Raises SearchError naming each
    bad one.
    """
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [f"Use {' or '.join(Channel.values)}."]
    sort = sort or ("relevance" if text.strip() else "name")
    if sort not in SORTS:
        errors["sort"] = [f"Use one of: {', '.join(SORTS)}."]
    if not 1 <= page <= MAX_PAGE:
        errors["page"] = [f"Use a page from 1 to {MAX_PAGE}."]
    resolved = {
        "category_id": _category(filters.get("category"), errors),
        "brand_ids": _brands(filters.get("brand"), errors),
        "attribute_groups": _attributes(filters, errors),
        "price_min": _decimal("price_min", filters.get("price_min"), errors),
        "price_max": _decimal("price_max", filters.get("price_max"), errors),
        "in_stock": str(filters.get("in_stock", "")).lower() in TRUE_WORDS,
    }
    if set(fixed) - FIXABLE:
        errors["fixed"] = [f"Only {', '.join(sorted(FIXABLE))} can be fixed."]
    if errors:
        raise SearchError("Some search parameters are invalid.", fields=errors)
    return SearchQuery(
        text=text.strip()[:200],
        channel=Channel(channel),
        sort=sort,
        page=page,
        fixed=frozenset(name for name in fixed if filters.get(name)),
        **resolved,
    )


def _category(slug, errors) -> int | None:
    if not slug:
        return None
    pk = Category.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        errors["category"] = ["Unknown category."]
    return pk


def _brands(raw, errors) -> tuple[int, ...] | None:
    if not raw:
        return None
    slugs = [slug for slug in str(raw).split(",") if slug]
    return tuple(Brand.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def _decimal(name, raw, errors) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        errors[name] = ["Enter a number."]
        return None
    if not value.is_finite():
        errors[name] = ["Enter a number."]
        return None
    return value


def _attributes(filters: dict, errors) -> tuple[tuple[str, ...], ...]:
    wanted = {
        key.removeprefix("attr."): value
        for key, value in filters.items()
        if key.startswith("attr.")
    }
    attributes = {a.code: a for a in Attribute.objects.filter(code__in=wanted)}
    groups = []
    for code, raw in sorted(wanted.items()):
        attribute = attributes.get(code)
        values = [value for value in str(raw).split(",") if value]
        if attribute is None:
            errors[f"attr.{code}"] = ["Unknown attribute."]
            continue
        if not values:  # an empty filter is no filter, as for brand and category
            continue
        tokens = _attribute_tokens(attribute, values)
        if tokens is None:
            errors[f"attr.{code}"] = [f"Invalid value for a {attribute.get_type_display()}."]
            continue
        groups.append(tokens)
    return tuple(groups)


def _attribute_tokens(attribute: Attribute, values: list[str]) -> tuple[str, ...] | None:
    if attribute.type == Attribute.Type.BOOLEAN:
        if values[:1] not in (["true"], ["false"]):
            return None
        return (f"{attribute.code}:{values[0]}",)
    if attribute.type == Attribute.Type.NUMBER:
        try:
            numbers = [Decimal(value) for value in values]
        except InvalidOperation:
            return None
        return tuple(f"{attribute.code}:{number_token(number)}" for number in numbers)
    return tuple(f"{attribute.code}:{value}" for value in values)


def attribute_code(tokens: tuple[str, ...]) -> str:
    """The attribute a filter group is on: ``colour`` for ``("colour:black", "colour:red")``."""
    return tokens[0].split(":", 1)[0]


def number_token(number: Decimal) -> str:
    """A number as PostgreSQL's ``trim_scale(n)::text`` writes it (no exponent, no zeros)."""
    text = format(number.normalize(), "f")
    return text
