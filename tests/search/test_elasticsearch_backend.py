"""The Elasticsearch backend, on the exact requests the real client sends to a local HTTP
double (tests/search/elasticsearch_double.py), and its fallback to PostgreSQL."""

import copy
import json
import logging
import socket
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from catalog import services as catalog
from search import selectors, services
from search.models import Synonym
from tests.catalog.factories import attribute, product

from .elasticsearch_double import ElasticsearchDouble, aggregations, search_response
from .expected_elasticsearch import (
    AGGREGATIONS,
    BRAND_COUNTS,
    CATEGORY_COUNTS,
    INDEX_BODY,
    PRICE_COUNTS,
    SOURCE,
    attribute_counts,
    facet,
)

NEW_INDEX = "store_a-products-20261125150000000000"


@pytest.fixture
def two_products(store_a):
    connection.set_tenant(store_a)
    home = catalog.create_category(name="Home")
    lighting = catalog.create_category(name="Lighting", parent=home)
    attribute("colour", "choice", ["Black", "White"])
    lamp = product(
        "Brass Desk Lamp",
        price="80",
        categories=[lighting],
        brand_name="Lumen",
        description="<p>A <b>warm</b> light.</p>",
    )
    catalog.set_attribute_values(owner=lamp, values={"colour": "black"})
    trade = product(
        "Trade Charger",
        visible_b2c=False,
        variants=[{"sku": "TR-1", "price": Decimal("20"), "b2b_price": Decimal("12")}],
    )
    return {"lamp": lamp, "trade": trade, "home": home, "lighting": lighting}


@pytest.fixture
def elasticsearch(settings, httpserver):
    double = ElasticsearchDouble()
    double.install(httpserver)
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = httpserver.url_for("/")
    return double


def lamp_document(made) -> dict:
    lamp = made["lamp"]
    lamp.refresh_from_db()
    return {
        "product_id": lamp.pk,
        "name": "Brass Desk Lamp",
        "slug": "brass-desk-lamp",
        "brand_id": lamp.brand_id,
        "brand_name": "Lumen",
        "category_ids": sorted([made["home"].pk, made["lighting"].pk]),
        "category_names": "Home Lighting",
        "description": "A  warm  light.",
        "attribute_text": "Black",
        "attributes": [{"code": "colour", "value": "black"}],
        "channels": ["b2c", "b2b"],
        "price": {"b2c": {"min": "80.00", "max": "80.00"}, "b2b": {"min": "80.00", "max": "80.00"}},
        "in_stock": True,
        "created_at": lamp.created_at.isoformat(),
    }


def trade_document(made) -> dict:
    trade = made["trade"]
    trade.refresh_from_db()
    return {
        "product_id": trade.pk,
        "name": "Trade Charger",
        "slug": "trade-charger",
        "brand_id": None,
        "brand_name": "",
        "category_ids": [],
        "category_names": "",
        "description": "",
        "attribute_text": "",
        "attributes": [],
        "channels": ["b2b"],
        "price": {"b2c": {"min": "20.00", "max": "20.00"}, "b2b": {"min": "12.00", "max": "12.00"}},
        "in_stock": False,
        "created_at": trade.created_at.isoformat(),
    }


def sent(double) -> list[tuple[str, str, object]]:
    return [(r.method, r.path, r.body) for r in double.requests]


def test_reindex_builds_a_new_index_and_swaps_the_alias(two_products, elasticsearch):
    elasticsearch.aliases["store_a-products"] = ["store_a-products-old"]
    with time_machine.travel("2026-11-25 15:00:00+00:00", tick=False):
        counts = services.reindex_store()
    assert counts == {"postgres": 2, "elasticsearch": 2}
    lamp, trade = two_products["lamp"].pk, two_products["trade"].pk
    bulk = [
        {"index": {"_id": str(lamp)}},
        lamp_document(two_products),
        {"index": {"_id": str(trade)}},
        trade_document(two_products),
    ]
    assert sent(elasticsearch) == [
        ("PUT", f"/{NEW_INDEX}", INDEX_BODY),
        ("PUT", f"/{NEW_INDEX}/_bulk", bulk),
        ("POST", f"/{NEW_INDEX}/_refresh", None),
        ("GET", "/_alias/store_a-products", None),
        (
            "POST",
            "/_aliases",
            {
                "actions": [
                    {"remove": {"index": "store_a-products-old", "alias": "store_a-products"}},
                    {"add": {"index": NEW_INDEX, "alias": "store_a-products"}},
                ]
            },
        ),
        ("DELETE", "/store_a-products-old", None),
    ]
    assert elasticsearch.aliases == {"store_a-products": [NEW_INDEX]}


def test_indexing_creates_the_aliased_index_once_then_sends_one_bulk(two_products, elasticsearch):
    lamp, trade = two_products["lamp"], two_products["trade"]
    with time_machine.travel("2026-11-25 15:00:00+00:00", tick=False):
        services.index_products(product_ids=[lamp.pk, trade.pk])
    catalog.update_product(product=trade, data={"status": "archived"})
    services.index_products(product_ids=[lamp.pk, trade.pk])
    created = copy.deepcopy(INDEX_BODY)
    created["aliases"] = {"store_a-products": {}}
    assert sent(elasticsearch) == [
        ("HEAD", "/_alias/store_a-products", None),
        ("PUT", f"/{NEW_INDEX}", created),
        (
            "PUT",
            "/store_a-products/_bulk",
            [
                {"index": {"_id": str(lamp.pk)}},
                lamp_document(two_products),
                {"index": {"_id": str(trade.pk)}},
                trade_document(two_products),
            ],
        ),
        ("HEAD", "/_alias/store_a-products", None),
        (
            "PUT",
            "/store_a-products/_bulk",
            [
                {"index": {"_id": str(lamp.pk)}},
                lamp_document(two_products),
                {"delete": {"_id": str(trade.pk)}},
            ],
        ),
    ]


def test_search_sends_the_query_filters_facets_and_did_you_mean(two_products, elasticsearch):
    made = two_products
    elasticsearch.search_response = search_response(
        [
            {
                "product_id": made["lamp"].pk,
                "name": "Brass Desk Lamp",
                "slug": "brass-desk-lamp",
                "brand_name": "Lumen",
                "price": {"b2c": {"min": "80.00", "max": "80.00"}},
                "in_stock": True,
            }
        ],
        aggregations=aggregations(
            categories=[(made["home"].pk, 1), (made["lighting"].pk, 1)],
            brands=[(made["lamp"].brand_id, 1)],
            prices=(0, 0, 1, 0, 0, 0),
            filtered={"colour": [("black", 1), ("white", 1)]},
        ),
        suggest={
            "did_you_mean": [
                {
                    "text": "lmap",
                    "offset": 0,
                    "length": 4,
                    "options": [{"text": "lamp", "score": 0.75, "freq": 2}],
                }
            ]
        },
    )
    result = selectors.search_products(
        text="lmap",
        channel="b2c",
        filters={
            "category": "home",
            "brand": "lumen",
            "attr.colour": "black,white",
            "price_min": "10",
            "price_max": "100",
            "in_stock": "true",
        },
    )
    (request,) = elasticsearch.requests
    assert (request.method, request.path) == ("POST", "/store_a-products/_search")
    category = {"term": {"category_ids": made["home"].pk}}
    brand = {"terms": {"brand_id": [made["lamp"].brand_id]}}
    colour = {
        "nested": {
            "path": "attributes",
            "query": {
                "bool": {
                    "must": [
                        {"term": {"attributes.code": "colour"}},
                        {"terms": {"attributes.value": ["black", "white"]}},
                    ]
                }
            },
        }
    }
    price = {
        "bool": {
            "filter": [
                {"range": {"price.b2c.max": {"gte": "10"}}},
                {"range": {"price.b2c.min": {"lte": "100"}}},
            ]
        }
    }

    def all_of(*filters):
        return {"bool": {"filter": list(filters)}}

    prices = json.loads(json.dumps(PRICE_COUNTS).replace("{channel}", "b2c"))
    assert request.body == {
        "query": {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": "lmap",
                            "fields": [
                                "name^4",
                                "brand_name^3",
                                "category_names^2",
                                "description",
                                "attribute_text",
                            ],
                            "fuzziness": "AUTO",
                            "operator": "and",
                            "prefix_length": 1,
                            "type": "best_fields",
                        }
                    }
                ],
                "filter": [{"term": {"channels": "b2c"}}, {"term": {"in_stock": True}}],
            }
        },
        # The facet filters narrow the hits only; each facet applies the others' filters.
        "post_filter": all_of(category, brand, colour, price),
        "aggs": {
            "category": facet(all_of(brand, colour, price), counts=CATEGORY_COUNTS),
            "brand": facet(all_of(category, colour, price), counts=BRAND_COUNTS),
            "price": facet(all_of(category, brand, colour), counts=prices),
            "attributes": facet(
                all_of(category, brand, colour, price),
                attributes=attribute_counts(exclude=["colour"]),
            ),
            "attr.colour": facet(
                all_of(category, brand, price), attributes=attribute_counts(include=["colour"])
            ),
        },
        "sort": ["_score", {"name.raw": "asc"}, {"product_id": "asc"}],
        "track_total_hits": True,
        "from": 0,
        "size": 24,
        "_source": SOURCE,
        "suggest": {"did_you_mean": {"text": "lmap", "term": {"field": "spelling"}}},
    }
    assert result.backend == "elasticsearch"
    assert result.total == 1 and result.did_you_mean == "lamp"
    (hit,) = result.hits
    assert (hit.name, hit.min_price, hit.brand) == ("Brass Desk Lamp", Decimal("80.00"), "Lumen")
    facets = {
        kind: [(v.value, v.label, v.count) for v in values]
        for kind, values in result.facets.items()
    }
    assert facets == {
        "category": [("home", "Home", 1), ("lighting", "Lighting", 1)],
        "brand": [("lumen", "Lumen", 1)],
        "price": [("50-100", "$50 to $100", 1)],
        "attr.colour": [("black", "Black", 1), ("white", "White", 1)],
    }


def test_b2b_search_filters_and_sorts_by_the_b2b_channel(two_products, elasticsearch):
    elasticsearch.search_response = search_response([], aggregations=aggregations())
    selectors.search_products(text="", channel="b2b", filters={}, sort="-price", page=3)
    body = elasticsearch.requests[0].body
    assert body["query"] == {"bool": {"filter": [{"term": {"channels": "b2b"}}]}}
    assert "post_filter" not in body
    assert body["aggs"] == json.loads(json.dumps(AGGREGATIONS).replace("{channel}", "b2b"))
    assert body["sort"] == [
        {"price.b2b.min": {"order": "desc", "missing": "_last"}},
        {"product_id": "desc"},
    ]
    assert (body["from"], body["size"]) == (48, 24)
    assert "suggest" not in body


def test_a_fixed_category_filters_the_query_not_the_facets(two_products, elasticsearch):
    """A category page's own category scopes the hits and every count (a query filter, no
    post_filter); the brand the shopper picked stays a disjunctive facet filter."""
    made = two_products
    elasticsearch.search_response = search_response([], aggregations=aggregations())
    selectors.search_products(
        text="",
        channel="b2c",
        filters={"category": "home", "brand": "lumen"},
        fixed=("category",),
    )
    body = elasticsearch.requests[0].body
    category = {"term": {"category_ids": made["home"].pk}}
    brand = {"terms": {"brand_id": [made["lamp"].brand_id]}}
    assert body["query"] == {"bool": {"filter": [{"term": {"channels": "b2c"}}, category]}}
    assert body["post_filter"] == brand
    assert body["aggs"]["category"]["filter"] == brand
    assert body["aggs"]["brand"]["filter"] == {"match_all": {}}


def test_suggest_sends_an_edge_ngram_match_in_the_channel(two_products, elasticsearch):
    lamp = two_products["lamp"]
    elasticsearch.search_response = search_response(
        [{"product_id": lamp.pk, "name": "Brass Desk Lamp", "slug": "brass-desk-lamp"}]
    )
    suggestions = selectors.suggest_products(prefix="lam", channel="b2c")
    assert sent(elasticsearch) == [
        (
            "POST",
            "/store_a-products/_search",
            {
                "query": {
                    "bool": {
                        "must": [
                            {
                                "match": {
                                    "name.suggest": {
                                        "query": "lam",
                                        "operator": "and",
                                        "fuzziness": "AUTO",
                                        "prefix_length": 1,
                                    }
                                }
                            }
                        ],
                        "filter": [{"term": {"channels": "b2c"}}],
                    }
                },
                "size": 8,
                "_source": ["product_id", "name", "slug"],
            },
        )
    ]
    assert [(s.product_id, s.text, s.slug) for s in suggestions] == [
        (lamp.pk, "Brass Desk Lamp", "brass-desk-lamp")
    ]


def test_store_synonyms_go_into_the_search_analyzer(two_products, elasticsearch):
    Synonym.objects.create(terms="Lamp, light, luminaire")
    with time_machine.travel("2026-11-25 15:00:00+00:00", tick=False):
        services.reindex_store()
    analysis = elasticsearch.requests[0].body["settings"]["analysis"]
    assert analysis["filter"]["store_synonyms"] == {
        "synonyms": ["lamp, light, luminaire"],
        "type": "synonym_graph",
    }
    assert analysis["analyzer"]["text_en_search"]["filter"] == [
        "lowercase",
        "store_synonyms",
        "english_possessive",
        "english_stop",
        "english_stemmer",
    ]
    assert (
        analysis["analyzer"]["text_en"]["filter"]
        == INDEX_BODY["settings"]["analysis"]["analyzer"]["text_en"]["filter"]
    )


def test_each_store_has_its_own_alias(two_products, store_b, elasticsearch):
    connection.set_tenant(store_b)
    elasticsearch.search_response = search_response([], aggregations=aggregations())
    selectors.search_products(text="lamp", channel="b2c", filters={})
    assert elasticsearch.requests[0].path == "/store_b-products/_search"


# --- Fallback ----------------------------------------------------------------------------------


@pytest.fixture
def silent_server():
    """A local server that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("server", ["silent_server", "closed_port"])
def test_search_falls_back_to_postgres_when_elasticsearch_is_away(
    two_products, settings, request, server, caplog
):
    services.reindex_store()  # PostgreSQL documents (the backend is still postgres here)
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = request.getfixturevalue(server)
    settings.ELASTICSEARCH_TIMEOUT_MS = 200
    with caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"):
        result = selectors.search_products(text="lamp", channel="b2c", filters={})
        suggestions = selectors.suggest_products(prefix="bra", channel="b2c")
    assert result.backend == "postgres"
    assert [hit.name for hit in result.hits] == ["Brass Desk Lamp"]
    assert [s.text for s in suggestions] == ["Brass Desk Lamp"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "search.backends.elasticsearch"]
    assert len(warnings) == 2
    assert all("answering from PostgreSQL" in w and "store_a" in w for w in warnings)


def test_the_api_answers_through_the_fallback(two_products, settings, silent_server, store_a):
    from rest_framework.test import APIClient

    services.reindex_store()
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = silent_server
    settings.ELASTICSEARCH_TIMEOUT_MS = 200
    response = APIClient(HTTP_HOST=store_a.primary_host).get("/api/v1/search/", {"q": "lamp"})
    assert response.status_code == 200
    assert [hit["name"] for hit in response.json()["results"]] == ["Brass Desk Lamp"]
