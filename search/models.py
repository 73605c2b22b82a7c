"""The PostgreSQL backend's search documents, and the store's search settings.

All of it lives in each store's schema: a store's documents, vocabulary and synonyms are its
own. A document is a flattened copy of one active product (written by search.documents in one
statement); its weighted ``search_vector`` is a generated column, so PostgreSQL keeps it
current whenever the indexer writes the text columns.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

# The text search configuration of the generated column (fixed by the migration).
TEXT_SEARCH_CONFIG = "english"


class ProductDocument(models.Model):
    """One active product as the search sees it: text, facets, channel prices, visibility."""

    product_id = models.BigIntegerField(primary_key=True)
    name = models.CharField(max_length=200)
    slug = models.CharField(max_length=220)
    brand_id = models.BigIntegerField(null=True)
    brand_name = models.CharField(max_length=120, blank=True)
    # The product's categories and all their ancestors: a subtree filter is one containment.
    category_ids = ArrayField(models.BigIntegerField(), default=list)
    category_names = models.TextField(blank=True)
    description = models.TextField(blank=True)
    # "code:value" tokens of product and variant attribute values (option slugs for choices).
    attribute_values = ArrayField(models.TextField(), default=list)
    attribute_text = models.TextField(blank=True)
    visible_b2c = models.BooleanField()
    visible_b2b = models.BooleanField()
    min_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    max_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    min_b2b_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    max_b2b_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    in_stock = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config=TEXT_SEARCH_CONFIG)
        + SearchVector("brand_name", "category_names", weight="B", config=TEXT_SEARCH_CONFIG)
        + SearchVector("description", "attribute_text", weight="C", config=TEXT_SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The name's words as typed (no stemming): autocomplete matches their prefixes.
    name_vector = models.GeneratedField(
        expression=SearchVector("name", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        # fastupdate off: documents change a few at a time, and a GIN pending list left by a
        # bulk write would slow every search until the next vacuum.
        indexes = [
            GinIndex(fields=["search_vector"], name="search_doc_vector_gin", fastupdate=False),
            GinIndex(fields=["name_vector"], name="search_doc_name_gin", fastupdate=False),
            GinIndex(fields=["category_ids"], name="search_doc_categories_gin", fastupdate=False),
            GinIndex(
                fields=["attribute_values"], name="search_doc_attributes_gin", fastupdate=False
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SearchTerm(models.Model):
    """A word of the store's product names, brands and categories: the "did you mean" lexicon."""

    term = models.CharField(max_length=100, primary_key=True)

    class Meta:
        indexes = [
            GistIndex(fields=["term"], opclasses=["public.gist_trgm_ops"], name="search_term_trgm")
        ]

    def __str__(self) -> str:
        return self.term


class Synonym(models.Model):
    """A group of words the store's shoppers use for the same thing ("tv, television")."""

    terms = models.CharField(
        max_length=500, help_text="Comma-separated words that mean the same, e.g. tv, television."
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.terms

    @property
    def words(self) -> list[str]:
        return [word.strip().lower() for word in self.terms.split(",") if word.strip()]
