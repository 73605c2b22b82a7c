"""The exact index definition the Elasticsearch backend creates for a store (no synonyms)."""

TEXT = {"analyzer": "text_en", "search_analyzer": "text_en_search", "type": "text"}
PRICES = {
    "properties": {
        "min": {"scaling_factor": 100, "type": "scaled_float"},
        "max": {"scaling_factor": 100, "type": "scaled_float"},
    },
    "type": "object",
}
ENGLISH = ["lowercase", "english_possessive", "english_stop", "english_stemmer"]

INDEX_BODY = {
    "settings": {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "analysis": {
            "analyzer": {
                "text_en": {"tokenizer": "standard", "filter": ENGLISH, "type": "custom"},
                "text_en_search": {"tokenizer": "standard", "filter": ENGLISH, "type": "custom"},
                "autocomplete": {
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding", "autocomplete_edge"],
                    "type": "custom",
                },
                "typed": {
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding"],
                    "type": "custom",
                },
            },
            "filter": {
                "english_possessive": {"language": "possessive_english", "type": "stemmer"},
                "english_stop": {"stopwords": "_english_", "type": "stop"},
                "english_stemmer": {"language": "english", "type": "stemmer"},
                "autocomplete_edge": {"min_gram": 1, "max_gram": 20, "type": "edge_ngram"},
            },
        },
    },
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "product_id": {"type": "long"},
            "name": {
                **TEXT,
                "copy_to": "spelling",
                "fields": {
                    "suggest": {
                        "analyzer": "autocomplete",
                        "search_analyzer": "typed",
                        "type": "text",
                    },
                    "raw": {"type": "keyword"},
                },
            },
            "slug": {"type": "keyword"},
            "brand_id": {"type": "long"},
            "brand_name": {**TEXT, "copy_to": "spelling"},
            "category_ids": {"type": "long"},
            "category_names": {**TEXT, "copy_to": "spelling"},
            "description": TEXT,
            "attribute_text": TEXT,
            "attributes": {
                "properties": {"code": {"type": "keyword"}, "value": {"type": "keyword"}},
                "type": "nested",
            },
            "spelling": {"analyzer": "typed", "type": "text"},
            "channels": {"type": "keyword"},
            "price": {"properties": {"b2c": PRICES, "b2b": PRICES}, "type": "object"},
            "in_stock": {"type": "boolean"},
            "created_at": {"type": "date"},
        },
    },
}

# The facets' counting aggregations; "{channel}" stands for the channel searched.
CATEGORY_COUNTS = {"terms": {"field": "category_ids", "size": 200}}
BRAND_COUNTS = {"terms": {"field": "brand_id", "size": 200}}
PRICE_COUNTS = {
    "range": {
        "field": "price.{channel}.min",
        "ranges": [
            {"to": 25.0},
            {"from": 25.0, "to": 50.0},
            {"from": 50.0, "to": 100.0},
            {"from": 100.0, "to": 250.0},
            {"from": 250.0, "to": 500.0},
            {"from": 500.0},
        ],
    }
}


def attribute_counts(**codes) -> dict:
    """Attribute values by code; ``codes`` is the terms' ``include`` or ``exclude``."""
    return {
        "nested": {"path": "attributes"},
        "aggs": {
            "code": {
                "terms": {"field": "attributes.code", "size": 50, **codes},
                "aggs": {"value": {"terms": {"field": "attributes.value", "size": 100}}},
            }
        },
    }


def facet(filter_: dict, **counts) -> dict:
    """A facet's filter aggregation (the other facets' filters) around its counts."""
    return {"filter": filter_, "aggs": counts}


# With no facet filter active, every facet counts the documents the query matches.
EVERYTHING = {"match_all": {}}
AGGREGATIONS = {
    "category": facet(EVERYTHING, counts=CATEGORY_COUNTS),
    "brand": facet(EVERYTHING, counts=BRAND_COUNTS),
    "price": facet(EVERYTHING, counts=PRICE_COUNTS),
    "attributes": facet(EVERYTHING, attributes=attribute_counts()),
}
SOURCE = ["product_id", "name", "slug", "brand_name", "price", "in_stock"]
