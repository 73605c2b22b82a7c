"""Facet counts as the shopper reads them: raw keys (ids, tokens, buckets) given labels.

Backends count by raw key; this module turns (kind, key, count) rows into the facets of a
SearchResult, with a constant number of small lookups (brands, categories, attributes).
"""

from collections import defaultdict

from catalog.models import Attribute, AttributeOption, Brand, Category
from search.query import PRICE_RANGES, FacetValue


def label_facets(rows: list[tuple[str, str, int]]) -> dict[str, list[FacetValue]]:
    """``{"category": [...], "brand": [...], "price": [...], "attr.<code>": [...]}``, each list
    by count (most first), then label. Keys no longer in the catalog are left out."""
    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, key, count in rows:
        by_kind[kind][key] = count
    facets = {
        "category": _categories(by_kind["category"]),
        "brand": _brands(by_kind["brand"]),
        "price": _price_ranges(by_kind["price"]),
        **_attributes(by_kind["attribute"]),
    }
    return {
        kind: sorted(values, key=lambda v: (-v.count, v.label)) if kind != "price" else values
        for kind, values in facets.items()
    }


def _categories(counts: dict[str, int]) -> list[FacetValue]:
    categories = Category.objects.filter(pk__in=[int(key) for key in counts]).only("slug", "name")
    return [FacetValue(c.slug, c.name, counts[str(c.pk)]) for c in categories]


def _brands(counts: dict[str, int]) -> list[FacetValue]:
    brands = Brand.objects.filter(pk__in=[int(key) for key in counts]).only("slug", "name")
    return [FacetValue(b.slug, b.name, counts[str(b.pk)]) for b in brands]


def price_range_label(bucket: int) -> tuple[str, str]:
    """The ``value`` (``min-max``, open ends empty) and label of a price bucket."""
    low = PRICE_RANGES[bucket - 1] if bucket > 0 else None
    high = PRICE_RANGES[bucket] if bucket < len(PRICE_RANGES) else None
    value = f"{low or ''}-{high or ''}"
    if low is None:
        return value, f"under {high}"
    if high is None:
        return value, f"{low} and over"
    return value, f"{low} to {high}"


def _price_ranges(counts: dict[str, int]) -> list[FacetValue]:
    values = []
    for key, count in sorted(counts.items(), key=lambda item: int(item[0])):
        value, label = price_range_label(int(key))
        values.append(FacetValue(value, label, count))
    return values


def _attributes(counts: dict[str, int]) -> dict[str, list[FacetValue]]:
    codes = {token.split(":", 1)[0] for token in counts}
    attributes = {a.code: a for a in Attribute.objects.filter(code__in=codes, is_filterable=True)}
    labels = {
        f"{o.attribute.code}:{o.slug}": o.value
        for o in AttributeOption.objects.filter(attribute__code__in=attributes).select_related(
            "attribute"
        )
    }
    facets: dict[str, list[FacetValue]] = defaultdict(list)
    for token, count in counts.items():
        code, value = token.split(":", 1)
        if code in attributes:
            facets[f"attr.{code}"].append(FacetValue(value, labels.get(token, value), count))
    return dict(facets)
