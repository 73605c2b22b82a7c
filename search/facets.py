"""Facet counts as the shopper reads them: raw keys (ids, tokens, buckets) given labels.

Backends count by raw key; this module turns (kind, key, count) rows into the facets of a
SearchResult, with one small query for every label (categories, brands, attributes).
"""

from collections import defaultdict
from decimal import Decimal

from django.db import connection

import money
from search.query import FacetValue, price_ranges

LABELS = """
SELECT 'category', id::text, slug, name FROM catalog_category WHERE id = ANY(%(categories)s)
UNION ALL
SELECT 'brand', id::text, slug, name FROM catalog_brand WHERE id = ANY(%(brands)s)
UNION ALL
SELECT 'attribute', code, code, name FROM catalog_attribute
WHERE code = ANY(%(codes)s) AND is_filterable
UNION ALL
SELECT 'option', a.code || ':' || o.slug, o.slug, o.value
FROM catalog_attributeoption o JOIN catalog_attribute a ON a.id = o.attribute_id
WHERE a.code = ANY(%(codes)s) AND a.is_filterable
"""


def label_facets(rows: list[tuple[str, str, int]]) -> dict[str, list[FacetValue]]:
    """``{"category": [...], "brand": [...], "price": [...], "attr.<code>": [...]}``, each list
    by count (most first), then label; price ranges in price order. Keys no longer in the
    catalog, and attributes that are not filterable, are left out."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, key, count in rows:
        counts[kind][key] = count
    labels = _labels(counts)
    facets = {
        "category": _labelled(counts["category"], labels["category"]),
        "brand": _labelled(counts["brand"], labels["brand"]),
        **_attributes(counts["attribute"], labels),
    }
    ordered = {
        kind: sorted(values, key=lambda v: (-v.count, v.label)) for kind, values in facets.items()
    }
    return {**ordered, "price": _price_ranges(counts["price"])}


def _labels(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, tuple[str, str]]]:
    params = {
        "categories": [int(key) for key in counts["category"]],
        "brands": [int(key) for key in counts["brand"]],
        "codes": sorted({token.split(":", 1)[0] for token in counts["attribute"]}),
    }
    labels: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    if not any(params.values()):
        return labels
    with connection.cursor() as cursor:
        cursor.execute(LABELS, params)
        for kind, key, value, label in cursor.fetchall():
            labels[kind][key] = (value, label)
    return labels


def _labelled(counts: dict[str, int], labels: dict[str, tuple[str, str]]) -> list[FacetValue]:
    return [
        FacetValue(labels[key][0], labels[key][1], count)
        for key, count in counts.items()
        if key in labels
    ]


def price_range_label(bucket: int, currency: str | None = None) -> tuple[str, str]:
    """The ``value`` (``min-max`` in the store's currency, open ends empty: what the
    ``price_min`` and ``price_max`` filters take) and label ("$25 to $50", "Under ¥2,500") of a
    price bucket of the store's currency (``currency``, the current store's by default)."""
    currency = currency or money.store_currency()
    bounds = price_ranges(currency)
    low = bounds[bucket - 1] if bucket > 0 else None
    high = bounds[bucket] if bucket < len(bounds) else None
    value = f"{_plain(low)}-{_plain(high)}"
    if low is None:
        return value, f"Under {_amount(high, currency)}"
    if high is None:
        return value, f"{_amount(low, currency)} and over"
    return value, f"{_amount(low, currency)} to {_amount(high, currency)}"


def _plain(bound: Decimal | None) -> str:
    return "" if bound is None else f"{bound.normalize():f}"


def _amount(bound: Decimal, currency: str) -> str:
    """A bound as the store's currency writes it, rounded to its minor units; a whole amount
    without its zero decimals ("$25", not "$25.00"; "¥2,500")."""
    text = money.format_money(bound, currency)
    places = money.minor_units(currency)
    if places and money.quantize(bound, currency) == bound.to_integral_value():
        text = text.removesuffix("." + "0" * places)
    return text


def _price_ranges(counts: dict[str, int]) -> list[FacetValue]:
    currency = money.store_currency()
    values = []
    for key, count in sorted(counts.items(), key=lambda item: int(item[0])):
        value, label = price_range_label(int(key), currency)
        values.append(FacetValue(value, label, count))
    return values


def _attributes(counts: dict[str, int], labels) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = defaultdict(list)
    for token, count in counts.items():
        code, value = token.split(":", 1)
        if code in labels["attribute"]:
            label = labels["option"].get(token, (value, value))[1]
            facets[f"attr.{code}"].append(FacetValue(value, label, count))
    return dict(facets)
