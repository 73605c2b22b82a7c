"""What a product's search document is: one SQL query over the catalog, shared by backends.

The PostgreSQL backend upserts these rows into ``search_productdocument``; the Elasticsearch
backend sends the same rows in bulk. Only active products have a document; a product's
categories include their ancestors, so a category filter covers its whole subtree.
"""

from django.db import connection

DOCUMENT_COLUMNS = (
    "product_id",
    "name",
    "slug",
    "brand_id",
    "brand_name",
    "category_ids",
    "category_names",
    "description",
    "attribute_values",
    "attribute_text",
    "visible_b2c",
    "visible_b2b",
    "min_price",
    "max_price",
    "min_b2b_price",
    "max_b2b_price",
    "in_stock",
    "created_at",
)

# One row per active product whose id is in %(ids)s (or every active one when %(all)s).
DOCUMENT_SELECT = r"""
SELECT p.id,
       p.name,
       p.slug,
       p.brand_id,
       COALESCE(b.name, ''),
       COALESCE(cats.ids, '{}'),
       COALESCE(cats.names, ''),
       regexp_replace(p.description, '<[^>]*>', ' ', 'g'),
       COALESCE(attrs.tokens, '{}'),
       COALESCE(attrs.text, ''),
       p.visible_b2c,
       p.visible_b2b,
       p.min_price,
       p.max_price,
       p.min_b2b_price,
       p.max_b2b_price,
       p.in_stock,
       p.created_at
FROM catalog_product p
LEFT JOIN catalog_brand b ON b.id = p.brand_id
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT a.id) AS ids, string_agg(DISTINCT a.name, ' ') AS names
    FROM catalog_product_categories pc
    JOIN catalog_category c ON c.id = pc.category_id
    JOIN catalog_category a ON c.path LIKE a.path || '%%'
    WHERE pc.product_id = p.id
) cats ON true
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT t.token) AS tokens, string_agg(DISTINCT t.label, ' ') AS text
    FROM (
        SELECT at.code || ':' || CASE
                   WHEN at.type IN ('choice', 'multi_choice') THEN o.slug
                   WHEN at.type = 'boolean' THEN CASE WHEN v.boolean THEN 'true' ELSE 'false' END
                   WHEN at.type = 'number' THEN trim_scale(v.number)::text
                   ELSE v.text END AS token,
               CASE WHEN at.type IN ('choice', 'multi_choice') THEN o.value
                    WHEN at.type = 'text' THEN v.text END AS label
        FROM (
            SELECT * FROM catalog_attributevalue WHERE product_id = p.id
            UNION ALL
            SELECT v2.* FROM catalog_productvariant pv
            JOIN catalog_attributevalue v2 ON v2.variant_id = pv.id
            WHERE pv.product_id = p.id
        ) v
        JOIN catalog_attribute at ON at.id = v.attribute_id
        LEFT JOIN catalog_attributevalue_options vo ON vo.attributevalue_id = v.id
        LEFT JOIN catalog_attributeoption o ON o.id = vo.attributeoption_id
    ) t
    WHERE t.token IS NOT NULL
) attrs ON true
WHERE p.status = 'active' AND (%(all)s OR p.id = ANY(%(ids)s))
ORDER BY p.id
"""


def document_rows(*, product_ids: list[int] | None) -> list[dict]:
    """The search documents of these active products (all of them when ``product_ids`` is None).

    One query, whatever the number of products; products that are not active have no row.
    """
    with connection.cursor() as cursor:
        cursor.execute(DOCUMENT_SELECT, _params(product_ids))
        return [dict(zip(DOCUMENT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def _params(product_ids: list[int] | None) -> dict:
    return {"all": product_ids is None, "ids": list(product_ids or [])}
