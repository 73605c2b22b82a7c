"""What a storefront page tells search engines and link previews: title, description,
canonical URL, OpenGraph tags and JSON-LD (schema.org Product, BreadcrumbList, Organization).

Rendered by storefront/includes/seo_meta.html inside the base template's ``meta`` block.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

import money
from catalog.summaries import ListedVariant
from pricing import Channel, Price, price_for
from storefront_cms.images import image_url, listing_image
from storefront_cms.selectors import Crumb, ProductPage, brand_url, product_url

DESCRIPTION_LENGTH = 160
IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"


@dataclass
class Seo:
    title: str
    description: str
    canonical: str
    og_type: str = "website"
    image: str = ""
    noindex: bool = False
    json_ld: list[dict] = field(default_factory=list)

    @property
    def json_ld_scripts(self) -> list[str]:
        """Each JSON-LD block, safe inside a <script> element (no "</script>" can close it)."""
        return [mark_safe(_script_json(data)) for data in self.json_ld]  # noqa: S308


def _script_json(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def absolute(request, path: str, params: dict | None = None) -> str:
    """``path`` on this store's host; ``params`` kept in a stable order."""
    query = f"?{urlencode(sorted(params.items()))}" if params else ""
    return request.build_absolute_uri(path) + query


def describe(*texts: str) -> str:
    """The first non-empty text, without markup, cut at a word near 160 characters."""
    for text in texts:
        plain = " ".join(strip_tags(text or "").split())
        if plain:
            return Truncator(plain).chars(DESCRIPTION_LENGTH)
    return ""


def page_title(title: str, store_name: str) -> str:
    return f"{title} | {store_name}" if title and title != store_name else store_name


def breadcrumb_list(request, crumbs: list[Crumb]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.name,
                "item": absolute(request, crumb.url),
            }
            for position, crumb in enumerate(crumbs, 1)
        ],
    }


def organization(request, store_name: str, logo: str = "") -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": store_name,
        "url": absolute(request, "/"),
    }
    if logo:
        data["logo"] = absolute(request, logo)
    return data


def product_seo(request, page: ProductPage, *, channel: Channel, store_name: str, crumbs) -> Seo:
    """Meta and JSON-LD of a product page: Offer for one variant, AggregateOffer for more."""
    product = page.product
    url = absolute(request, product_url(product.slug))
    images = [listing_image(image) for image in product.listing.get("images", [])]
    variants = product.listing.get("variants", [])
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "description": describe(product.seo_description, product.description, product.name),
    }
    if images:
        data["image"] = [absolute(request, image.large_url) for image in images]
    if product.brand_id:
        data["brand"] = {"@type": "Brand", "name": product.brand.name}
    offers = _offers(variants, channel=channel, url=url)
    if offers:
        data["offers"] = offers
    if len(variants) == 1:
        data["sku"] = variants[0]["sku"]
    return Seo(
        title=page_title(product.seo_title or product.name, store_name),
        description=describe(
            product.seo_description,
            product.description,
            f"{product.name} at {store_name}.",
        ),
        canonical=url,
        og_type="product",
        image=absolute(request, images[0].large_url) if images else "",
        json_ld=[data, breadcrumb_list(request, crumbs)],
    )


def variant_price(variant: dict, channel: Channel) -> Price:
    """What a variant (from the product's listing summary) costs on ``channel``."""
    return price_for(ListedVariant.from_summary(variant), channel)


def _offers(variants: list[dict], *, channel: Channel, url: str) -> dict | None:
    if not variants:
        return None
    prices = [variant_price(variant, channel).amount for variant in variants]
    available = any(variant["in_stock"] for variant in variants)
    # Schema.org prices: a plain number with the currency's own decimals ("1200" in yen).
    currency = money.store_currency()
    if len(variants) == 1:
        return {
            "@type": "Offer",
            "url": url,
            "sku": variants[0]["sku"],
            "price": str(prices[0]),
            "priceCurrency": currency,
            "availability": IN_STOCK if available else OUT_OF_STOCK,
        }
    return {
        "@type": "AggregateOffer",
        "lowPrice": str(min(prices)),
        "highPrice": str(max(prices)),
        "offerCount": len(variants),
        "priceCurrency": currency,
        "availability": IN_STOCK if available else OUT_OF_STOCK,
    }


def listing_seo(
    request,
    *,
    title: str,
    descriptions: tuple[str, ...],
    path: str,
    page: int,
    store_name: str,
    crumbs: list[Crumb] = (),
    noindex: bool = False,
    params: dict | None = None,
) -> Seo:
    """Meta of a category, brand or search page. The canonical URL keeps the page number (and
    the search text) only: filters, sorting and tracking parameters name the same page."""
    canonical_params = dict(params or {})
    if page > 1:
        canonical_params["page"] = str(page)
        title = f"{title} (page {page})"
    return Seo(
        title=page_title(title, store_name),
        description=describe(*descriptions),
        canonical=absolute(request, path, canonical_params),
        noindex=noindex,
        json_ld=[breadcrumb_list(request, list(crumbs))] if crumbs else [],
    )


def brand_crumbs(brand) -> list[Crumb]:
    return [Crumb("Brands", "/brands/"), Crumb(brand.name, brand_url(brand.slug))]


def image_absolute(request, path: str) -> str:
    return absolute(request, image_url(path))
