"""The PostgreSQL backend end to end, on the real database, through the one interface."""

from decimal import Decimal

import pytest
from django.db import connection

from catalog import services as catalog
from search import selectors, services
from search.models import ProductDocument, Synonym
from search.query import SearchError
from tests.catalog.factories import attribute, product


@pytest.fixture(autouse=True)
def _postgres_backend(settings):
    settings.SEARCH_BACKEND = "postgres"


def names(text="", channel="b2c", sort="", **filters):
    result = selectors.search_products(text=text, channel=channel, filters=filters, sort=sort)
    return [hit.name for hit in result.hits]


def test_relevance_puts_name_matches_before_description_matches(corpus):
    assert names("iphone") == ["Apple iPhone 15", "Leather Case"]


def test_brand_and_category_words_match_below_name_words(corpus):
    assert names("apple")[0] == "Apple iPhone 15"
    assert set(names("phones")) == {"Apple iPhone 15", "Pixel 8 Phone", "Leather Case"}
    assert names("lighting") == ["Brass Desk Lamp", "Floor Lamp"]


def test_websearch_syntax_and_stemming(corpus):
    assert names("lamps") == ["Brass Desk Lamp", "Floor Lamp"]
    assert names("lamp -brass") == ["Floor Lamp"]
    assert names('"desk lamp"') == ["Brass Desk Lamp"]


def test_a_typo_finds_the_product_and_says_did_you_mean(corpus):
    result = selectors.search_products(text="iphnoe", channel="b2c", filters={})
    assert result.did_you_mean == "iphone"
    assert [hit.name for hit in result.hits] == ["Apple iPhone 15", "Leather Case"]


@pytest.mark.parametrize(
    ("typed", "meant", "distance"),
    [("iphnoe", "iphone", 1), ("kettel", "kettle", 1), ("lamp", "lamp", 0), ("cat", "dog", 3)],
)
def test_edit_distance_counts_a_swap_as_one_edit(typed, meant, distance):
    from search.backends.postgres import edit_distance

    assert edit_distance(typed, meant) == distance


def test_known_words_get_no_correction(corpus):
    result = selectors.search_products(text="kettle", channel="b2c", filters={})
    assert result.did_you_mean is None
    assert [hit.name for hit in result.hits] == ["Steel Kettle"]


def test_facet_counts_over_the_matching_products(corpus):
    result = selectors.search_products(text="", channel="b2c", filters={})
    assert result.total == 6
    facets = {kind: {v.value: v.count for v in values} for kind, values in result.facets.items()}
    assert facets["brand"] == {"apple": 2, "lumen": 2, "google": 1, "acme": 1}
    assert facets["category"] == {"electronics": 3, "phones": 3, "home": 3, "lighting": 2}
    assert facets["attr.colour"] == {"black": 2, "white": 1}
    assert facets["price"] == {"25-50": 2, "50-100": 1, "100-250": 1, "500-": 2}
    lamps = selectors.search_products(text="lamp", channel="b2c", filters={})
    assert {v.value: v.count for v in lamps.facets["brand"]} == {"lumen": 2}
    assert [v.label for v in lamps.facets["attr.colour"]] == ["Black", "White"]


def search(text="", **filters):
    """The result's hit names and its facets as ``{facet: {value: count}}``."""
    result = selectors.search_products(text=text, channel="b2c", filters=filters, sort="name")
    facets = {kind: {v.value: v.count for v in values} for kind, values in result.facets.items()}
    return [hit.name for hit in result.hits], result.total, facets


def test_choosing_a_brand_still_shows_what_the_other_brands_would_give(corpus):
    hits, total, facets = search(brand="acme")
    assert (hits, total) == (["Steel Kettle"], 1)
    assert facets["brand"] == {"apple": 2, "lumen": 2, "google": 1, "acme": 1}
    # The other facets count the Acme products only.
    assert facets["category"] == {"home": 1}
    assert facets["price"] == {"25-50": 1}


def test_another_active_filter_still_narrows_the_brand_counts(corpus):
    hits, total, facets = search(brand="acme,google", category="home")
    assert (hits, total) == (["Steel Kettle"], 1)
    assert facets["brand"] == {"lumen": 2, "acme": 1}
    assert facets["category"] == {"electronics": 1, "phones": 1, "home": 1}
    hits, total, facets = search("lamp", brand="acme")
    assert (hits, total) == ([], 0)
    assert facets["brand"] == {"lumen": 2}


def test_an_attribute_facet_ignores_only_its_own_filter(corpus):
    attribute("size", "choice", ["M", "L"])
    for made, size in (("lamp", "m"), ("floor", "m"), ("iphone", "l")):
        catalog.set_attribute_values(owner=corpus[made], values={"size": size})
    services.reindex_store()
    hits, total, facets = search(**{"attr.colour": "black", "attr.size": "m"})
    assert (hits, total) == (["Brass Desk Lamp"], 1)
    # Colours of the size M products; sizes of the black products.
    assert facets["attr.colour"] == {"black": 1, "white": 1}
    assert facets["attr.size"] == {"m": 1, "l": 1}
    assert facets["brand"] == {"lumen": 1}


def test_every_filter_still_narrows_the_hits_and_the_total(corpus):
    hits, total, facets = search(brand="apple,lumen", price_max="100", **{"attr.colour": "black"})
    assert (hits, total) == (["Brass Desk Lamp"], 1)
    assert facets["brand"] == {"lumen": 1}
    assert facets["price"] == {"50-100": 1, "500-": 1}
    assert facets["attr.colour"] == {"black": 1}


def test_filters_match_the_shop_listing(corpus):
    assert names(category="home", sort="name") == ["Brass Desk Lamp", "Floor Lamp", "Steel Kettle"]
    assert names("phone", brand="google") == ["Pixel 8 Phone"]
    assert names(price_min="50", price_max="700", sort="price") == [
        "Brass Desk Lamp",
        "Floor Lamp",
        "Pixel 8 Phone",
    ]
    assert names(**{"attr.colour": "black,white"}, sort="name") == [
        "Apple iPhone 15",
        "Brass Desk Lamp",
        "Floor Lamp",
    ]
    assert "Pixel 8 Phone" not in names("phone", in_stock="true")


def test_an_empty_attribute_filter_is_no_filter(corpus):
    assert len(names(**{"attr.colour": ""})) == 6


def test_sorting_and_pages(corpus):
    assert names(sort="-price")[:2] == ["Apple iPhone 15", "Pixel 8 Phone"]
    assert names(sort="newest")[0] == "Steel Kettle"
    second = selectors.search_products(text="", channel="b2c", filters={}, sort="name", page=2)
    assert second.total == 6 and second.hits == []


def test_invalid_parameters_are_named(corpus):
    with pytest.raises(SearchError) as raised:
        selectors.search_products(
            text="x",
            channel="b2c",
            filters={"category": "nope", "price_min": "cheap", "attr.size": "m"},
            sort="random",
        )
    assert set(raised.value.fields) == {"category", "price_min", "attr.size", "sort"}


def test_b2b_only_products_never_show_on_b2c(corpus):
    assert "Trade Phone Charger Pack" not in names("charger")
    assert names("charger", channel="b2b") == ["Trade Phone Charger Pack"]
    b2b = selectors.search_products(text="charger", channel="b2b", filters={})
    assert b2b.hits[0].min_price == Decimal("12.00")
    assert selectors.suggest_products(prefix="trad", channel="b2c") == []


def test_drafts_are_not_indexed(corpus):
    assert "Draft Phone" not in names("draft", channel="b2b")
    assert not ProductDocument.objects.filter(product_id=corpus["draft"].pk).exists()


def test_another_stores_products_never_show(corpus, store_a, store_b):
    connection.set_tenant(store_b)
    product("Store B iPhone Clone")
    services.reindex_store()
    assert names("iphone") == ["Store B iPhone Clone"]
    connection.set_tenant(store_a)
    assert "Store B iPhone Clone" not in names("iphone")
    assert "Store B iPhone Clone" not in [
        s.text for s in selectors.suggest_products(prefix="store", channel="b2c")
    ]


def test_suggest_completes_word_prefixes(corpus):
    assert [s.text for s in selectors.suggest_products(prefix="la", channel="b2c")] == [
        "Floor Lamp",
        "Brass Desk Lamp",
    ]
    assert [s.text for s in selectors.suggest_products(prefix="Brass d", channel="b2c")] == [
        "Brass Desk Lamp"
    ]
    assert [s.text for s in selectors.suggest_products(prefix="kettel", channel="b2c")] == [
        "Steel Kettle"
    ]


def test_store_synonyms_widen_the_query(corpus):
    Synonym.objects.create(terms="light, lamp")
    assert set(names("light")) == {"Brass Desk Lamp", "Floor Lamp"}


def test_index_and_remove_follow_the_catalog(corpus):
    from catalog import services as catalog

    catalog.update_product(product=corpus["kettle"], data={"name": "Copper Kettle"})
    services.index_products(product_ids=[corpus["kettle"].pk])
    assert names("copper") == ["Copper Kettle"]
    catalog.update_product(product=corpus["kettle"], data={"status": "archived"})
    services.index_products(product_ids=[corpus["kettle"].pk])
    assert names("kettle") == []
    services.remove_products(product_ids=[corpus["lamp"].pk])
    assert names("lamp") == ["Floor Lamp"]
