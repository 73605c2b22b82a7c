"""Brands, categories, attributes and options show inside products' search documents (brand
and category names, attribute tokens and labels). When one changes or goes, the products
that carry it are announced (products_changed, after commit) so that search re-reads them.

Storefront answers need nothing more: they read these names live (joins), and the products'
own summaries name attributes and options by id.
"""

from django.db.models import Q

from catalog.events import announce_after_commit
from catalog.models import Attribute, AttributeOption, AttributeValue, Brand, Category, Product


def products_of(instance) -> list[int]:
    """Ids of the products whose documents show ``instance``."""
    if isinstance(instance, Brand):
        return list(Product.objects.filter(brand=instance).values_list("pk", flat=True))
    if isinstance(instance, Category):
        # A product's document names its categories' ancestors too: the whole subtree.
        links = Product.categories.through.objects.filter(category__path__startswith=instance.path)
        return list(links.values_list("product_id", flat=True))
    if isinstance(instance, Attribute):
        return _owners(AttributeValue.objects.filter(attribute=instance))
    if isinstance(instance, AttributeOption):
        return _owners(AttributeValue.objects.filter(options=instance))
    raise TypeError(f"{type(instance).__name__} is not shown in product documents.")


def _owners(values) -> list[int]:
    """The products of these attribute values, set on the product or on one of its variants."""
    rows = values.filter(Q(product__isnull=False) | Q(variant__isnull=False)).values_list(
        "product_id", "variant__product_id"
    )
    return [product_id or variant_product_id for product_id, variant_product_id in rows]


def announce_on_save(sender, instance, created, raw=False, **kwargs) -> None:
    if created or raw:  # nothing carries it yet (or fixtures are loading)
        return
    announce_after_commit(sorted(set(products_of(instance))))


def announce_on_delete(sender, instance, **kwargs) -> None:
    # Before the delete: afterwards the links that name the products are gone.
    announce_after_commit(sorted(set(products_of(instance))))


DIMENSIONS = (Brand, Category, Attribute, AttributeOption)
