"""The Elasticsearch index of a store: its name, analysis, mapping and documents.

A store's index is reached through the alias ``<schema>-products``; the concrete index behind
it is ``<schema>-products-<timestamp>``, so a reindex builds a new one and swaps the alias.
Text is analysed for English (stemming, stop words) with the store's synonyms at search time;
``name.suggest`` holds edge n-grams for autocomplete; ``spelling`` (name, brand, categories
as typed) feeds the "did you mean" term suggester; facets use keyword and numeric fields;
attribute values are nested ``{code, value}`` objects; prices are per channel, in the store's
currency (the store's setting: no document holds a currency).
"""

from django.db import connection
from django.utils import timezone
from elasticsearch_dsl import Index, Mapping, analyzer, token_filter
from elasticsearch_dsl.field import (
    Boolean,
    Date,
    Keyword,
    Long,
    Nested,
    Object,
    ScaledFloat,
    Text,
)

from pricing import Channel
from search.models import Synonym

POSSESSIVE = token_filter("english_possessive", "stemmer", language="possessive_english")
STOP = token_filter("english_stop", "stop", stopwords="_english_")
STEMMER = token_filter("english_stemmer", "stemmer", language="english")
EDGE = token_filter("autocomplete_edge", "edge_ngram", min_gram=1, max_gram=20)
ENGLISH = ["lowercase", POSSESSIVE, STOP, STEMMER]

TEXT_SEARCH_FIELDS = ["name^4", "brand_name^3", "category_names^2", "description", "attribute_text"]
SOURCE_FIELDS = ["product_id", "name", "slug", "brand_name", "price", "in_stock"]


def alias_name(schema_name: str | None = None) -> str:
    """The store's alias: every read and write goes through it."""
    return f"{schema_name or connection.schema_name}-products"


def new_index_name(schema_name: str | None = None) -> str:
    return f"{alias_name(schema_name)}-{timezone.now():%Y%m%d%H%M%S%f}"


def store_index(name: str) -> Index:
    """The index definition (settings, analysis with the store's synonyms, mapping)."""
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.mapping(_mapping(_search_analyzer()))
    return index


def _search_analyzer():
    synonyms = [", ".join(synonym.words) for synonym in Synonym.objects.all() if synonym.words]
    filters = list(ENGLISH)
    if synonyms:
        store_synonyms = token_filter("store_synonyms", "synonym_graph", synonyms=synonyms)
        filters.insert(1, store_synonyms)
    return analyzer("text_en_search", tokenizer="standard", filter=filters)


def _mapping(search_analyzer) -> Mapping:
    text_en = analyzer("text_en", tokenizer="standard", filter=ENGLISH)
    autocomplete = analyzer(
        "autocomplete", tokenizer="standard", filter=["lowercase", "asciifolding", EDGE]
    )
    typed = analyzer("typed", tokenizer="standard", filter=["lowercase", "asciifolding"])

    def text(**extra):
        return Text(analyzer=text_en, search_analyzer=search_analyzer, **extra)

    def prices():
        return Object(properties={"min": ScaledFloat(100), "max": ScaledFloat(100)})

    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("product_id", Long())
    mapping.field(
        "name",
        text(
            copy_to="spelling",
            fields={
                "suggest": Text(analyzer=autocomplete, search_analyzer=typed),
                "raw": Keyword(),
            },
        ),
    )
    mapping.field("slug", Keyword())
    mapping.field("brand_id", Long())
    mapping.field("brand_name", text(copy_to="spelling"))
    mapping.field("category_ids", Long())
    mapping.field("category_names", text(copy_to="spelling"))
    mapping.field("description", text())
    mapping.field("attribute_text", text())
    mapping.field("attributes", Nested(properties={"code": Keyword(), "value": Keyword()}))
    mapping.field("spelling", Text(analyzer=typed))
    mapping.field("channels", Keyword())
    mapping.field("price", Object(properties={channel.value: prices() for channel in Channel}))
    mapping.field("in_stock", Boolean())
    mapping.field("created_at", Date())
    return mapping


def to_document(row: dict) -> dict:
    """A row of search.documents as the Elasticsearch document of that product."""

    def money(value):
        return None if value is None else str(value)

    return {
        "product_id": row["product_id"],
        "name": row["name"],
        "slug": row["slug"],
        "brand_id": row["brand_id"],
        "brand_name": row["brand_name"],
        "category_ids": sorted(row["category_ids"]),
        "category_names": row["category_names"],
        "description": row["description"].strip(),
        "attribute_text": row["attribute_text"],
        "attributes": [
            dict(zip(("code", "value"), token.split(":", 1), strict=True))
            for token in sorted(row["attribute_values"])
        ],
        "channels": [channel.value for channel in Channel if row[f"visible_{channel.value}"]],
        # Amounts in the store's currency (a store setting, not part of the document).
        "price": {
            Channel.B2C.value: {"min": money(row["min_price"]), "max": money(row["max_price"])},
            Channel.B2B.value: {
                "min": money(row["min_b2b_price"]),
                "max": money(row["max_b2b_price"]),
            },
        },
        "in_stock": row["in_stock"],
        "created_at": row["created_at"].isoformat(),
    }
