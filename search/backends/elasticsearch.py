"""Elasticsearch backend, through elasticsearch-dsl, one index (behind an alias) per store.

Search is a multi_match with fuzziness and field boosts (name > brand > category >
description) filtered by channel and stock, the shop listing's facet filters as a post_filter,
one filter aggregation per facet (disjunctive counts: every facet filter but the facet's own)
and a term suggester for "did you mean". When Elasticsearch is down, slow (past
``ELASTICSEARCH_TIMEOUT_MS``) or answers an error, the request is answered by the PostgreSQL
backend instead and the fallback is logged: the storefront never fails because of it.
"""

import logging
from decimal import Decimal
from functools import cache
from itertools import pairwise

from django.conf import settings
from django.db import connection
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch_dsl import A, Q, Search
from elasticsearch_dsl.aggs import Agg

import money
from pricing import Channel
from search.backends import elasticsearch_mapping as store_index
from search.backends.postgres import PostgresBackend
from search.documents import document_rows
from search.facets import label_facets
from search.query import (
    Hit,
    SearchQuery,
    SearchResult,
    Suggestion,
    attribute_code,
    price_ranges,
)

logger = logging.getLogger(__name__)
UNAVAILABLE = (TransportError, ApiError)
BULK_CHUNK = 1000
SORTS = {
    "relevance": ["_score", {"name.raw": "asc"}, {"product_id": "asc"}],
    "name": [{"name.raw": "asc"}, {"product_id": "asc"}],
    "-name": [{"name.raw": "desc"}, {"product_id": "desc"}],
    "newest": [{"created_at": "desc"}, {"product_id": "desc"}],
    "price": [{"price.{channel}.min": {"order": "asc", "missing": "_last"}}, {"product_id": "asc"}],
    "-price": [
        {"price.{channel}.min": {"order": "desc", "missing": "_last"}},
        {"product_id": "desc"},
    ],
}


@cache
def _client(url: str, timeout_ms: int) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=timeout_ms / 1000, max_retries=0)


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch | None = None):
        self.client = client or _client(
            settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT_MS
        )

    # --- Indexing ------------------------------------------------------------------------------

    def index(self, *, product_ids: list[int]) -> None:
        """Send these products' documents in one bulk request; inactive ones are deleted."""
        self._ensure_alias()
        rows = document_rows(product_ids=product_ids)
        kept = {row["product_id"] for row in rows}
        gone = [pk for pk in product_ids if pk not in kept]
        self._bulk(store_index.alias_name(), rows, deleted=gone)

    def remove(self, *, product_ids: list[int]) -> None:
        self._ensure_alias()
        self._bulk(store_index.alias_name(), [], deleted=list(product_ids))

    def reindex(self) -> int:
        """Build a new index from the catalog, then swap the alias to it in one atomic call
        and drop the old index: searches never see an empty or half-built index."""
        alias = store_index.alias_name()
        name = store_index.new_index_name()
        store_index.store_index(name).create(using=self.client)
        rows = document_rows(product_ids=None)
        for start in range(0, len(rows), BULK_CHUNK):
            self._bulk(name, rows[start : start + BULK_CHUNK], deleted=[])
        self.client.indices.refresh(index=name)
        old = self._indices_of(alias)
        actions = [{"remove": {"index": index, "alias": alias}} for index in old]
        actions.append({"add": {"index": name, "alias": alias}})
        self.client.indices.update_aliases(actions=actions)
        if old:
            self.client.indices.delete(index=",".join(old))
        return len(rows)

    def _ensure_alias(self) -> None:
        alias = store_index.alias_name()
        if self.client.indices.exists_alias(name=alias):
            return
        index = store_index.store_index(store_index.new_index_name())
        index.aliases(**{alias: {}})
        index.create(using=self.client)

    def _indices_of(self, alias: str) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=alias))
        except NotFoundError:
            return []

    def _bulk(self, index: str, rows: list[dict], *, deleted: list[int]) -> None:
        operations: list[dict] = []
        for row in rows:
            operations += [{"index": {"_id": str(row["product_id"])}}, store_index.to_document(row)]
        operations += [{"delete": {"_id": str(pk)}} for pk in deleted]
        if not operations:
            return
        response = self.client.bulk(index=index, operations=operations)
        if response.get("errors"):
            failed = [item for item in response["items"] if _failed(item)]
            if failed:
                logger.error("search bulk indexing failed for %d documents", len(failed))

    # --- Reading -------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            response = self.search_request(query).using(self.client).execute()
        except UNAVAILABLE as error:
            return self._fall_back("search", error).search(query)
        return _result(response, query)

    def suggest(self, *, prefix: str, channel: Channel, limit: int = 8) -> list[Suggestion]:
        if not prefix.strip():
            return []
        try:
            response = self.suggest_request(prefix, channel, limit).using(self.client).execute()
        except UNAVAILABLE as error:
            return self._fall_back("suggest", error).suggest(
                prefix=prefix, channel=channel, limit=limit
            )
        return [
            Suggestion(product_id=hit.product_id, text=hit.name, slug=hit.slug) for hit in response
        ]

    def _fall_back(self, what: str, error: Exception) -> PostgresBackend:
        logger.warning(
            "Elasticsearch unavailable for %s in %s (%s): answering from PostgreSQL",
            what,
            connection.schema_name,
            type(error).__name__,
        )
        return PostgresBackend()

    def search_request(self, query: SearchQuery) -> Search:
        """The search with its filters, facets, sort, page and "did you mean"."""
        search = Search(index=store_index.alias_name()).extra(track_total_hits=True)
        if query.text:
            search = search.query(_text_query(query.text))
            search = search.suggest("did_you_mean", query.text, term={"field": "spelling"})
        for condition in _filters(query):
            search = search.filter(condition)
        facet_filters = _facet_filters(query)
        if query.facets:
            # Disjunctive facets: the shopper's facet filters narrow the hits only (post_filter,
            # applied after the aggregations); each facet applies the others' itself.
            if facet_filters:
                search = search.post_filter(_all_of(facet_filters.values()))
            _add_aggregations(search, query.channel, facet_filters)
        else:
            for condition in facet_filters.values():
                search = search.filter(condition)
        sort = SORTS[query.sort if query.text or query.sort != "relevance" else "name"]
        search = search.sort(*_for_channel(sort, query.channel))
        search = search.source(store_index.SOURCE_FIELDS)
        start = (query.page - 1) * query.page_size
        return search[start : start + query.page_size]

    def suggest_request(self, prefix: str, channel: Channel, limit: int) -> Search:
        """Products whose name words start with the prefix (edge n-grams, a typo allowed)."""
        match = Q(
            "match",
            **{
                "name.suggest": {
                    "query": prefix,
                    "operator": "and",
                    "fuzziness": "AUTO",
                    "prefix_length": 1,
                }
            },
        )
        search = Search(index=store_index.alias_name()).query(match)
        search = search.filter("term", channels=channel)
        return search.source(["product_id", "name", "slug"])[:limit]


def _text_query(text: str) -> Q:
    return Q(
        "multi_match",
        query=text,
        fields=store_index.TEXT_SEARCH_FIELDS,
        type="best_fields",
        operator="and",
        fuzziness="AUTO",
        prefix_length=1,
    )


def _filters(query: SearchQuery) -> list[Q]:
    """What every hit and every facet count meets: the channel, if asked stock, and the
    fixed filters (a category or brand page's own)."""
    conditions = [Q("term", channels=query.channel)]
    if query.in_stock:
        conditions.append(Q("term", in_stock=True))
    scoped = _scoped_filters(query)
    conditions.extend(scoped[name] for name in sorted(query.fixed) if name in scoped)
    return conditions


def _scoped_filters(query: SearchQuery) -> dict[str, Q]:
    conditions = {}
    if query.category_id is not None:
        conditions["category"] = Q("term", category_ids=query.category_id)
    if query.brand_ids is not None:
        conditions["brand"] = Q("terms", brand_id=list(query.brand_ids))
    return conditions


def _facet_filters(query: SearchQuery) -> dict[str, Q]:
    """The shopper's facet filters by facet: ``category``, ``brand``, ``attr.<code>``, ``price``."""
    price = f"price.{query.channel}"
    conditions = {
        name: condition
        for name, condition in _scoped_filters(query).items()
        if name not in query.fixed
    }
    for tokens in query.attribute_groups:
        code = attribute_code(tokens)
        values = [token.split(":", 1)[1] for token in tokens]
        inner = Q("term", **{"attributes.code": code}) & Q("terms", **{"attributes.value": values})
        conditions[f"attr.{code}"] = Q("nested", path="attributes", query=inner)
    prices = []
    if query.price_min is not None:
        prices.append(Q("range", **{f"{price}.max": {"gte": str(query.price_min)}}))
    if query.price_max is not None:
        prices.append(Q("range", **{f"{price}.min": {"lte": str(query.price_max)}}))
    if prices:
        conditions["price"] = _all_of(prices)
    return conditions


def _all_of(conditions) -> Q:
    """One condition for all of these: match_all for none, the condition itself for one."""
    conditions = list(conditions)
    if not conditions:
        return Q("match_all")
    return conditions[0] if len(conditions) == 1 else Q("bool", filter=conditions)


def _add_aggregations(search: Search, channel: Channel, facet_filters: dict[str, Q]) -> None:
    """One ``filter`` aggregation per facet, over the documents passing every facet filter
    but the facet's own; the counts are in its ``counts`` (or ``attributes``) aggregation.
    Attributes nobody filters on are counted together (``attributes``), each filtered one
    alone (``attr.<code>``)."""

    def facet(name: str) -> Agg:
        others = [condition for other, condition in facet_filters.items() if other != name]
        return search.aggs.bucket(name, A("filter", filter=_all_of(others)))

    bounds = [None, *price_ranges(money.store_currency()), None]
    ranges = [
        {key: float(value) for key, value in (("from", low), ("to", high)) if value is not None}
        for low, high in pairwise(bounds)
    ]
    facet("category").bucket("counts", A("terms", field="category_ids", size=200))
    facet("brand").bucket("counts", A("terms", field="brand_id", size=200))
    facet("price").bucket("counts", A("range", field=f"price.{channel}.min", ranges=ranges))
    filtered = [name.removeprefix("attr.") for name in facet_filters if name.startswith("attr.")]
    codes = {"exclude": filtered} if filtered else {}
    _attribute_values(facet("attributes"), codes)
    for code in filtered:
        _attribute_values(facet(f"attr.{code}"), {"include": [code]})


def _attribute_values(parent: Agg, codes: dict) -> None:
    """Attribute values by code under ``parent``; ``codes`` includes or excludes some."""
    attributes = parent.bucket("attributes", A("nested", path="attributes"))
    by_code = attributes.bucket("code", A("terms", field="attributes.code", size=50, **codes))
    by_code.bucket("value", A("terms", field="attributes.value", size=100))


def _for_channel(sort: list, channel: Channel) -> list:
    return [
        {key.format(channel=channel): value for key, value in item.items()}
        if isinstance(item, dict)
        else item
        for item in sort
    ]


def _result(response, query: SearchQuery) -> SearchResult:
    hits = [_hit(hit, query.channel) for hit in response]
    facets = label_facets(_facet_rows(response, query)) if query.facets else {}
    return SearchResult(
        hits=hits,
        total=response.hits.total.value,
        facets=facets,
        did_you_mean=_did_you_mean(response, query.text),
        page=query.page,
        backend="elasticsearch",
    )


def _hit(hit, channel: Channel) -> Hit:
    prices = hit.price.to_dict().get(channel, {})
    currency = money.store_currency()

    def amount(value):
        return None if value is None else money.quantize(Decimal(str(value)), currency)

    return Hit(
        product_id=hit.product_id,
        name=hit.name,
        slug=hit.slug,
        brand=hit.brand_name,
        min_price=amount(prices.get("min")),
        max_price=amount(prices.get("max")),
        currency=currency,
        in_stock=hit.in_stock,
        score=hit.meta.score or 0.0,
    )


def _facet_rows(response, query: SearchQuery) -> list[tuple[str, str, int]]:
    aggs = response.aggregations
    rows = [("category", str(b.key), b.doc_count) for b in aggs.category.counts.buckets]
    rows += [("brand", str(b.key), b.doc_count) for b in aggs.brand.counts.buckets]
    rows += [
        ("price", str(index), bucket.doc_count)
        for index, bucket in enumerate(aggs.price.counts.buckets)
        if bucket.doc_count
    ]
    filtered = [f"attr.{attribute_code(tokens)}" for tokens in query.attribute_groups]
    rows += [
        ("attribute", f"{code.key}:{value.key}", value.doc_count)
        for facet in [aggs.attributes, *(aggs[name] for name in filtered)]
        for code in facet.attributes.code.buckets
        for value in code.value.buckets
    ]
    return rows


def _did_you_mean(response, text: str) -> str | None:
    suggest = getattr(response, "suggest", None)
    if not text or suggest is None or "did_you_mean" not in suggest:
        return None
    corrected, changed = [], False
    for entry in suggest.did_you_mean:
        options = entry.options
        corrected.append(options[0].text if options else entry.text)
        changed = changed or bool(options)
    return " ".join(corrected) if changed else None


def _failed(item: dict) -> bool:
    (result,) = item.values()
    return result.get("status", 200) >= 300 and result.get("result") != "not_found"
