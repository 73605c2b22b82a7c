"""PostgreSQL full-text search over the store's ``search_productdocument`` table.

Matching is ``websearch_to_tsquery`` against a weighted tsvector (name A, brand and categories
B, description and attribute values C) kept by the database as a generated column, ranked with
``ts_rank``. Words the store's lexicon does not know are corrected by trigram similarity
("did you mean"); a query with no hits is retried corrected. Hits, total and facet counts
come from one statement; facet counts are disjunctive (each facet ignores its own filter).
Every statement runs in the current store's schema.
"""

import re

from django.db import connection, transaction

import money
from pricing import Channel
from search.documents import DOCUMENT_COLUMNS, DOCUMENT_SELECT
from search.facets import label_facets
from search.models import TEXT_SEARCH_CONFIG, Synonym
from search.query import (
    Hit,
    SearchQuery,
    SearchResult,
    Suggestion,
    attribute_code,
    price_ranges,
)

WORD = re.compile(r"[^\W_]+")
WORK_MEM = "64MB"
ORDER_BY = {
    "relevance": "rank DESC, product_id",
    "name": "name, product_id",
    "-name": "name DESC, product_id DESC",
    "newest": "created_at DESC, product_id DESC",
    "price": "price_low NULLS LAST, product_id",
    "-price": "price_low DESC NULLS LAST, product_id DESC",
}
_UPDATE = ", ".join(f"{column} = EXCLUDED.{column}" for column in DOCUMENT_COLUMNS[1:])
UPSERT = (
    f"INSERT INTO search_productdocument ({', '.join(DOCUMENT_COLUMNS)}) {DOCUMENT_SELECT} "
    f"ON CONFLICT (product_id) DO UPDATE SET {_UPDATE}"
)
LEXICON = r"""
INSERT INTO search_searchterm (term)
SELECT DISTINCT word FROM search_productdocument d,
     regexp_split_to_table(lower(d.name || ' ' || d.brand_name || ' ' || d.category_names),
                           '[^[:alnum:]]+') AS word
WHERE length(word) BETWEEN 3 AND 100 AND word !~ '^[0-9]+$'
  AND (%(all)s OR d.product_id = ANY(%(ids)s))
ON CONFLICT DO NOTHING
"""


# Index work on one product runs one task after the other (a transaction lock per store and
# product, taken first; a hash collision only makes two products wait for each other). Every
# statement after it reads the catalog as committed when the lock was granted, so the last
# writer of a document read the newest catalog. Without it, a task that read the catalog
# before a change could write its document after the task that indexed the change.
INDEX_LOCK = """
SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || id))
FROM unnest(%(ids)s::bigint[]) AS id
"""


class PostgresBackend:
    name = "postgres"

    # --- Indexing ------------------------------------------------------------------------------

    def index(self, *, product_ids: list[int]) -> None:
        """(Re)write the documents of these products in one statement; inactive ones go."""
        params = {"all": False, "ids": sorted(product_ids)}  # locked in id order: no deadlocks
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(INDEX_LOCK, params)
            cursor.execute(
                "DELETE FROM search_productdocument d WHERE d.product_id = ANY(%(ids)s) "
                "AND NOT EXISTS (SELECT 1 FROM catalog_product p "
                "WHERE p.id = d.product_id AND p.status = 'active')",
                params,
            )
            cursor.execute(UPSERT, params)
            cursor.execute(LEXICON, params)

    def remove(self, *, product_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM search_productdocument WHERE product_id = ANY(%s)", [list(product_ids)]
            )

    def reindex(self) -> int:
        """Rebuild every document and the lexicon in one transaction (readers see the old
        documents until it commits). Returns the number of documents."""
        params = {"all": True, "ids": []}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_productdocument")
            cursor.execute("DELETE FROM search_searchterm")
            cursor.execute(UPSERT, params)
            count = cursor.rowcount
            cursor.execute(LEXICON, params)
            cursor.execute("ANALYZE search_productdocument")
            cursor.execute("ANALYZE search_searchterm")
        return count

    # --- Reading -------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        correction = self._correction(query.text)
        result = self._search(query, text=query.text)
        if result.total == 0 and correction:
            result = self._search(query, text=correction)
        result.did_you_mean = correction
        return result

    def suggest(self, *, prefix: str, channel: Channel, limit: int = 8) -> list[Suggestion]:
        """Product names with a word starting with ``prefix``; corrected if nothing matches."""
        words = WORD.findall(prefix.lower())
        if not words:
            return []
        suggestions = self._suggest(words, channel=channel, limit=limit)
        if suggestions:
            return suggestions
        corrected = self._correction(" ".join(words))
        if not corrected:
            return []
        return self._suggest(corrected.split(), channel=channel, limit=limit)

    def _suggest(self, words: list[str], *, channel: Channel, limit: int) -> list[Suggestion]:
        # Every word typed must start a word of the name (prefix lexemes on name_vector).
        prefixes = " & ".join(f"{word}:*" for word in words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT product_id, name, slug FROM search_productdocument "  # noqa: S608
                f"WHERE visible_{_channel(channel)} "
                f"AND name_vector @@ to_tsquery('simple', %(prefixes)s) "
                f"ORDER BY starts_with(lower(name), %(start)s) DESC, length(name), "
                f'name COLLATE "C" LIMIT %(limit)s',
                {"prefixes": prefixes, "start": words[0], "limit": limit},
            )
            return [Suggestion(product_id=row[0], text=row[1], slug=row[2]) for row in cursor]

    def _search(self, query: SearchQuery, *, text: str) -> SearchResult:
        where, facet_filters, params = _where(query, text=text)
        params["tsquery"] = self._tsquery_text(text)
        rows = _matching(where, facet_filters, params, query, ranked=bool(text))
        page = sorted((int(key), payload) for kind, key, _, payload in rows if kind == "hit")
        hits = [_hit(payload) for _, payload in page]
        total = next(count for kind, _, count, _ in rows if kind == "total")
        facet_rows = [row[:3] for row in rows if row[0] not in ("hit", "total")]
        return SearchResult(
            hits=hits,
            total=total,
            facets=label_facets(facet_rows) if query.facets else {},
            page=query.page,
            backend=self.name,
        )

    def _tsquery_text(self, text: str) -> str:
        """The websearch query, with the store's synonyms of its words as alternatives."""
        if not text:
            return ""
        words = set(WORD.findall(text.lower()))
        extra = [
            word
            for synonym in Synonym.objects.all()
            if words.intersection(synonym.words)
            for word in synonym.words
            if word not in words
        ]
        return " or ".join([text, *extra]) if extra else text

    def _correction(self, text: str) -> str | None:
        """The query with each word unknown to the store's lexicon replaced by its closest
        known word, or None when every word is known or nothing is close enough."""
        words = WORD.findall(text.lower())
        candidates = [w for w in words if len(w) >= 3 and not w.isdigit()]
        if not candidates:
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT term FROM search_searchterm WHERE term = ANY(%s)", [candidates])
            known = {row[0] for row in cursor}
            replacements = {}
            for word in set(candidates) - known:
                cursor.execute(
                    "SELECT term FROM search_searchterm ORDER BY term <-> %s LIMIT 8", [word]
                )
                closest = _closest(word, [row[0] for row in cursor])
                if closest:
                    replacements[word] = closest
        if not replacements:
            return None
        return " ".join(replacements.get(word, word) for word in words)


def _closest(word: str, terms: list[str]) -> str | None:
    """The term fewest edits away (a swap of two letters is one edit), if close enough:
    one edit for words of up to five letters, two for longer ones."""
    allowed = 1 if len(word) <= 5 else 2
    scored = sorted((edit_distance(word, term), term) for term in terms)
    if scored and scored[0][0] <= allowed:
        return scored[0][1]
    return None


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): typos, not trigram overlap."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current.append(best)
        previous2, previous = previous, current
    return previous[-1]


def _channel(channel: Channel) -> str:
    """The channel's visibility column suffix (``b2c``, ``b2b``); ValueError for anything else."""
    return Channel(channel).value


def _prices(channel: Channel) -> tuple[str, str]:
    if channel == Channel.B2B:
        return "d.min_b2b_price", "d.max_b2b_price"
    return "d.min_price", "d.max_price"


def _where(query: SearchQuery, *, text: str) -> tuple[list[str], dict[str, str], dict]:
    """The conditions every match meets (channel, text, stock), the shopper's facet filters
    by facet (``category``, ``brand``, ``price``, ``attr.<code>``), and their parameters."""
    low, high = _prices(query.channel)
    where = [f"d.visible_{_channel(query.channel)}"]
    facet_filters: dict[str, str] = {}
    params: dict = {"config": TEXT_SEARCH_CONFIG}
    if text:
        where.append("d.search_vector @@ q.tsquery")
    if query.in_stock:
        where.append("d.in_stock")
    if query.category_id is not None:
        facet_filters["category"] = "d.category_ids @> ARRAY[%(category)s]::bigint[]"
        params["category"] = query.category_id
    if query.brand_ids is not None:
        facet_filters["brand"] = "d.brand_id = ANY(%(brands)s)"
        params["brands"] = list(query.brand_ids)
    # A fixed filter scopes every match (its facet then counts within it only).
    where.extend(facet_filters.pop(name) for name in sorted(query.fixed) if name in facet_filters)
    for index, tokens in enumerate(query.attribute_groups):
        facet_filters[f"attr.{attribute_code(tokens)}"] = (
            f"d.attribute_values && %(attr{index})s::text[]"
        )
        params[f"attr{index}"] = list(tokens)
    prices = []
    if query.price_min is not None:
        prices.append(f"{high} >= %(price_min)s")
        params["price_min"] = query.price_min
    if query.price_max is not None:
        prices.append(f"{low} <= %(price_max)s")
        params["price_max"] = query.price_max
    if prices:
        facet_filters["price"] = " AND ".join(prices)
    return where, facet_filters, params


_FROM = (
    "FROM search_productdocument d, "
    "(SELECT websearch_to_tsquery(%(config)s::regconfig, %(tsquery)s) AS tsquery) q"
)


def _matching(where, facet_filters, params, query: SearchQuery, *, ranked: bool) -> list[tuple]:
    """One statement: the matching documents once (materialised), then the total, the page
    of hits (in order, numbered) and, when asked, every facet's counts over them.

    Facet counts are disjunctive: a facet is counted as if its own filter were off, so with
    ``brand=acme`` the brand facet still says how many products every other brand would give.
    The matches are therefore kept without the facet filters, with one flag column per
    filter: hits and the total are the matches with every flag, a facet counts the matches
    with every flag but its own. Without facets the filters simply narrow the matches."""
    low, high = _prices(query.channel)
    order = ORDER_BY[query.sort if ranked or query.sort != "relevance" else "name"]
    rank = "ts_rank(d.search_vector, q.tsquery)" if ranked else "0"
    bounds = ", ".join(str(bound) for bound in price_ranges(money.store_currency()))
    flags = _Flags(facet_filters if query.facets else {})
    if not query.facets:
        where = [*where, *facet_filters.values()]
    facets, facet_params = _facet_counts(flags) if query.facets else ("", {})
    # Only what sorting and facets need is kept per match; the page's hits are read back.
    name = "d.name" if "name" in order else "NULL::text AS name"
    sql = f"""
        WITH m AS MATERIALIZED (
            SELECT d.product_id, {name}, d.created_at, {low} AS price_low, d.brand_id,
                   d.category_ids, d.attribute_values, {rank} AS rank,
                   width_bucket({low}, ARRAY[{bounds}]::numeric[]) AS price_bucket
                   {flags.columns()}
            {_FROM} WHERE {" AND ".join([*where, *flags.counted()])}
        )
        SELECT 'total', '', count(*), NULL::json FROM m WHERE {flags.passing()}
        UNION ALL SELECT 'hit', page.position::text, 0,
               json_build_array(d.product_id, d.name, d.slug, d.brand_name, {low}::text,
                                {high}::text, d.in_stock, page.rank)
        FROM (
            SELECT product_id, rank, row_number() OVER (ORDER BY {order}) AS position
            FROM m WHERE {flags.passing()} ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s
        ) page
        JOIN search_productdocument d ON d.product_id = page.product_id
        {facets}
    """  # noqa: S608 - the interpolated parts are constants and validated channel fields
    params = {
        **params,
        **facet_params,
        "limit": query.page_size,
        "offset": (query.page - 1) * query.page_size,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # The matching documents are read six times: keep them in memory, not a temp file.
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute(sql, params)
        return cursor.fetchall()


class _Flags:
    """The flag columns of the active facet filters (``f0``, ``f1``...) in the matches."""

    def __init__(self, facet_filters: dict[str, str]):
        self.filters = facet_filters
        self.column = {facet: f"f{index}" for index, facet in enumerate(facet_filters)}

    def columns(self) -> str:
        # IS TRUE: a document without a brand or a price fails the filter, it is not unknown.
        return "".join(
            f", ({condition}) IS TRUE AS {self.column[facet]}"
            for facet, condition in self.filters.items()
        )

    def counted(self) -> list[str]:
        """The condition of the documents that count somewhere: those failing at most one
        facet filter (failing two, a document is neither a hit nor in any facet's counts)."""
        if len(self.filters) < 2:
            return []
        failed = " + ".join(
            f"(({condition}) IS NOT TRUE)::int" for condition in self.filters.values()
        )
        return [f"{failed} <= 1"]

    def passing(self, *but: str) -> str:
        """True for the matches passing every facet filter but the named facets' ones."""
        kept = [column for facet, column in self.column.items() if facet not in but]
        return " AND ".join(kept) or "true"


def _facet_counts(flags: _Flags) -> tuple[str, dict]:
    """The facets' counts (SQL and its parameters), each facet over the matches passing
    every facet filter but its own. Attribute values are counted without their attribute's
    filter; attributes nobody filters on are counted over the hits."""
    filtered = [facet for facet in flags.column if facet.startswith("attr.")]
    params = {f"code{index}": facet.removeprefix("attr.") for index, facet in enumerate(filtered)}
    by_code = "".join(
        f"WHEN %(code{index})s THEN {flags.passing(facet)} " for index, facet in enumerate(filtered)
    )
    attribute_counted = (
        f"CASE split_part(a, ':', 1) {by_code}ELSE {flags.passing()} END" if filtered else "true"
    )
    # A document failing the brand, category or price filter counts for no attribute.
    unnested = flags.passing(*filtered)
    flag_columns = "".join(f", {column}" for column in flags.column.values())
    sql = f"""
    UNION ALL SELECT 'brand', brand_id::text, count(*), NULL FROM m
        WHERE brand_id IS NOT NULL AND {flags.passing("brand")} GROUP BY brand_id
    UNION ALL SELECT 'category', c::text, count(*), NULL
        FROM (SELECT unnest(category_ids) AS c FROM m WHERE {flags.passing("category")})
        categories GROUP BY c
    UNION ALL SELECT 'attribute', a, count(*), NULL
        FROM (SELECT unnest(attribute_values) AS a{flag_columns} FROM m WHERE {unnested})
        attributes WHERE {attribute_counted} GROUP BY a
    UNION ALL SELECT 'price', price_bucket::text, count(*), NULL FROM m
        WHERE price_bucket IS NOT NULL AND {flags.passing("price")} GROUP BY price_bucket
    """  # noqa: S608 - flag columns and parameter names only
    return sql, params


def _hit(payload: list) -> Hit:
    product_id, name, slug, brand, low, high, in_stock, rank = payload
    currency = money.store_currency()
    return Hit(
        product_id=product_id,
        name=name,
        slug=slug,
        brand=brand,
        min_price=None if low is None else money.quantize(low, currency),
        max_price=None if high is None else money.quantize(high, currency),
        currency=currency,
        in_stock=in_stock,
        score=float(rank),
    )
