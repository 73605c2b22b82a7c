"""Fixed filters (a category or brand page's own) scope the whole search, facet counts too;
the shopper's other filters stay disjunctive facets."""

from search import selectors


def counts(result, kind) -> dict[str, int]:
    return {value.value: value.count for value in result.facets.get(kind, [])}


def test_a_fixed_category_narrows_every_facet(corpus):
    free = selectors.search_products(text="", channel="b2c", filters={"category": "lighting"})
    fixed = selectors.search_products(
        text="", channel="b2c", filters={"category": "lighting"}, fixed=("category",)
    )
    assert [hit.name for hit in fixed.hits] == [hit.name for hit in free.hits]
    assert fixed.total == free.total == 2
    assert counts(fixed, "brand") == counts(free, "brand") == {"lumen": 2}
    # Counted as if its filter were off, the category facet shows the whole store; fixed,
    # only the page's subtree.
    assert "phones" in counts(free, "category")
    assert set(counts(fixed, "category")) == {"home", "lighting"}


def test_a_fixed_brand_with_a_chosen_category(corpus):
    result = selectors.search_products(
        text="", channel="b2c", filters={"brand": "apple", "category": "phones"}, fixed=("brand",)
    )
    assert sorted(hit.name for hit in result.hits) == ["Apple iPhone 15", "Leather Case"]
    assert counts(result, "brand") == {"apple": 2}
    assert counts(result, "category")["phones"] == 2
