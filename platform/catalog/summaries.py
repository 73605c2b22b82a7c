"""What a product's variants, images and attribute values add up to, kept on the product.

``refresh_product_summaries`` runs inside every writing transaction (catalog.events calls it
before the event is queued), so once committed a product's summary always matches its rows:

* ``min_price`` / ``max_price`` / ``min_b2b_price`` / ``max_b2b_price`` / ``in_stock``: listing,
  filtering and sorting by price or stock never aggregate variants per request;
* ``listing``: the variants and images as the storefront shows them, so a page of products is
  one query (read back by the shop serializers, catalog.api.serializers);
* ``attribute_tokens``: every attribute value of the product and its variants, so an attribute
  filter is one GIN index lookup. Tokens name attributes and options by id: renaming a code or
  a slug changes no token.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection

REFRESH_SQL = """
UPDATE catalog_product p SET
    min_price = s.min_price,
    max_price = s.max_price,
    min_b2b_price = s.min_b2b_price,
    max_b2b_price = s.max_b2b_price,
    in_stock = COALESCE(s.in_stock, false),
    listing = s.listing,
    attribute_tokens = s.attribute_tokens,
    updated_at = now()
FROM (
    SELECT p2.id AS product_id,
           min(v.price) AS min_price,
           max(v.price) AS max_price,
           min(COALESCE(v.b2b_price, v.price)) AS min_b2b_price,
           max(COALESCE(v.b2b_price, v.price)) AS max_b2b_price,
           bool_or(v.stock_on_hand - v.stock_reserved > 0
                   OR v.stock_policy = 'backorder') AS in_stock,
           jsonb_build_object('variants', COALESCE(
               jsonb_agg(
                   jsonb_build_object(
                       'sku', v.sku,
                       'name', v.name,
                       'options', v.options,
                       'price', v.price::text,
                       'b2b_price', v.b2b_price::text,
                       'compare_at_price', v.compare_at_price::text,
                       'in_stock', v.stock_on_hand - v.stock_reserved > 0
                                   OR v.stock_policy = 'backorder'
                   ) ORDER BY v.position, v.id
               ) FILTER (WHERE v.id IS NOT NULL),
               '[]'::jsonb
           ), 'images', COALESCE((
               SELECT jsonb_agg(
                          jsonb_build_object(
                              'image', i.image,
                              'alt_text', i.alt_text,
                              'width', i.width,
                              'height', i.height,
                              'renditions', i.renditions,
                              'variant', (SELECT iv.sku FROM catalog_productvariant iv
                                          WHERE iv.id = i.variant_id)
                          ) ORDER BY i.position, i.id
                      )
               FROM catalog_productimage i
               WHERE i.product_id = p2.id
           ), '[]'::jsonb)) AS listing,
           ARRAY(
               WITH owned AS (
                   SELECT av.id, av.attribute_id, av.text, av.number, av.boolean
                   FROM catalog_attributevalue av
                   WHERE av.product_id = p2.id
                   UNION ALL
                   SELECT av.id, av.attribute_id, av.text, av.number, av.boolean
                   FROM catalog_attributevalue av
                   JOIN catalog_productvariant pv ON pv.id = av.variant_id
                   WHERE pv.product_id = p2.id
               )
               SELECT token FROM (
                   SELECT a.id || ':' || CASE a.type
                              WHEN 'boolean' THEN owned.boolean::text
                              WHEN 'number' THEN 'n' || trim_scale(owned.number)::text
                              ELSE 't' || owned.text
                          END AS token
                   FROM owned JOIN catalog_attribute a ON a.id = owned.attribute_id
                   WHERE a.type IN ('text', 'number', 'boolean')
                   UNION
                   SELECT owned.attribute_id || ':o' || vo.attributeoption_id
                   FROM owned
                   JOIN catalog_attributevalue_options vo ON vo.attributevalue_id = owned.id
               ) tokens
               WHERE token IS NOT NULL
               ORDER BY token
           ) AS attribute_tokens
    FROM catalog_product p2
    LEFT JOIN catalog_productvariant v ON v.product_id = p2.id
    WHERE p2.id = ANY(%s)
    GROUP BY p2.id
) s
WHERE p.id = s.product_id {only_stale}
RETURNING p.id
"""

# A repair writes only the products whose stored summary differs from their rows.
ONLY_STALE = """
  AND (p.min_price, p.max_price, p.min_b2b_price, p.max_b2b_price, p.in_stock, p.listing,
       p.attribute_tokens)
      IS DISTINCT FROM
      (s.min_price, s.max_price, s.min_b2b_price, s.max_b2b_price, COALESCE(s.in_stock, false),
       s.listing, s.attribute_tokens)
"""


@dataclass(frozen=True)
class ListedVariant:
    """A variant as a product's ``listing`` summary holds it, priceable by
    ``pricing.price_for`` like a ProductVariant (its amounts are in the store's currency)."""

    sku: str
    price: Decimal
    b2b_price: Decimal | None = None
    compare_at_price: Decimal | None = None

    @classmethod
    def from_summary(cls, variant: dict) -> "ListedVariant":
        def amount(name):
            value = variant.get(name)
            return None if value in (None, "") else Decimal(value)

        return cls(
            sku=variant["sku"],
            price=amount("price"),
            b2b_price=amount("b2b_price"),
            compare_at_price=amount("compare_at_price"),
        )


# Taken before the refresh: two transactions changing sibling variants refresh one after the
# other, the second reading the first's committed rows (the refresh is a new statement, so in
# READ COMMITTED it gets a new snapshot once the lock is granted). Without it, the second
# would compute from a snapshot taken before the first committed and write a stale summary.
# NO KEY UPDATE, in id order: what the UPDATE takes anyway, without deadlocks between bulk
# refreshes and without blocking new variants or images (their foreign keys take KEY SHARE).
LOCK_SQL = "SELECT id FROM catalog_product WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE"


def refresh_product_summaries(product_ids: list[int], *, only_stale: bool = False) -> list[int]:
    """Recompute the summaries of these products, in one statement; returns the ids of the
    products written. With ``only_stale``, only those whose stored summary was out of date.

    Runs in the writing transaction, after its changes to variants, images or values."""
    if not product_ids:
        return []
    sql = REFRESH_SQL.format(only_stale=ONLY_STALE if only_stale else "")
    with connection.cursor() as cursor:
        cursor.execute(LOCK_SQL, [list(product_ids)])
        cursor.execute(sql, [list(product_ids)])
        return [row[0] for row in cursor.fetchall()]


def attribute_filter_tokens(attribute, values: list[str], option_ids: dict[str, int]):
    """The tokens a product must have one of to match ``values`` of ``attribute``.

    ``option_ids`` maps the attribute's option slugs to ids. None when a value cannot be of
    this attribute's type (a word for a number, "maybe" for yes/no).
    """
    from catalog.models import Attribute

    prefix = f"{attribute.pk}:"
    if attribute.type in (Attribute.Type.CHOICE, Attribute.Type.MULTI_CHOICE):
        return [f"{prefix}o{option_ids[slug]}" for slug in values if slug in option_ids]
    if attribute.type == Attribute.Type.BOOLEAN:
        if values[:1] not in (["true"], ["false"]):
            return None
        return [prefix + values[0]]
    if attribute.type == Attribute.Type.NUMBER:
        tokens = []
        for value in values:
            try:
                number = Decimal(value)
            except InvalidOperation:
                return None
            if not number.is_finite():
                return None
            # As PostgreSQL's trim_scale writes it: 20.5000 -> "20.5", 20 -> "20", -0 -> "0".
            tokens.append(f"{prefix}n{(number + 0).normalize():f}")
        return tokens
    return [f"{prefix}t{value}" for value in values]
