"""A store's sitemap: ``/sitemap.xml`` is an index of sections of at most 10,000 URLs each
(``/sitemap-<section>-<n>.xml``): content pages, categories, brands and products.

Each file costs one or two queries whatever its size (rows read as tuples, XML written as
text), and is kept in the cache under the catalog's and content's versions, so crawlers asking
again get it from Redis until something changes. Only what an anonymous shopper may see is
listed: live public pages, active categories, products active on the B2C channel.
"""

import math
from xml.sax.saxutils import escape

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from wagtail.models import Page, Site

from catalog.models import Brand, Category
from catalog.selectors import visible_products
from pricing import Channel
from storefront_cms.caching import versioned_key
from storefront_cms.selectors import brand_url, category_url, product_url

URLS_PER_FILE = 10_000
SECTIONS = ("pages", "categories", "brands", "products")
CACHE_SECONDS = 3600
XML = "application/xml; charset=utf-8"


@require_GET
def sitemap_index(request):
    """The index: one entry per file of each section (products paged by 10,000)."""
    key = versioned_key(f"sitemap:index:{request.get_host()}")
    body = cache.get(key)
    if body is None:
        counts = {
            "pages": 1,
            "categories": _files(Category.objects.filter(is_active=True).count()),
            "brands": _files(Brand.objects.count()),
            "products": _files(visible_products(channel=Channel.B2C).count()),
        }
        entries = [
            f"<sitemap><loc>{escape(_absolute(request, f'/sitemap-{section}-{number}.xml'))}"
            f"</loc></sitemap>"
            for section in SECTIONS
            for number in range(1, counts[section] + 1)
        ]
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(entries)
            + "\n</sitemapindex>\n"
        )
        cache.set(key, body, CACHE_SECONDS)
    return HttpResponse(body, content_type=XML)


@require_GET
def sitemap_section(request, section: str, number: int):
    """One file of a section: the ``number``-th block of 10,000 URLs; 404 past the last."""
    if section not in SECTIONS or number < 1:
        raise Http404
    key = versioned_key(f"sitemap:{section}:{number}:{request.get_host()}")
    body = cache.get(key)
    if body is None:
        rows = ROWS[section](offset=(number - 1) * URLS_PER_FILE)
        if not rows and number > 1:
            raise Http404
        entries = []
        for path, modified in rows:
            lastmod = f"<lastmod>{modified.date().isoformat()}</lastmod>" if modified else ""
            entries.append(f"<url><loc>{escape(_absolute(request, path))}</loc>{lastmod}</url>")
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(entries)
            + "\n</urlset>\n"
        )
        cache.set(key, body, CACHE_SECONDS)
    return HttpResponse(body, content_type=XML)


def _product_rows(*, offset: int) -> list[tuple[str, object]]:
    products = (
        visible_products(channel=Channel.B2C)
        .order_by("pk")
        .values_list("slug", "updated_at")[offset : offset + URLS_PER_FILE]
    )
    return [(product_url(slug), updated_at) for slug, updated_at in products]


def _brand_rows(*, offset: int) -> list[tuple[str, object]]:
    brands = Brand.objects.order_by("pk").values_list("slug", "updated_at")
    return [(brand_url(slug), updated_at) for slug, updated_at in brands[offset:][:URLS_PER_FILE]]


def _category_rows(*, offset: int) -> list[tuple[str, object]]:
    """Active categories under active ancestors, with their full path (one query: the tree is
    read in path order, so a parent comes before its children)."""
    slugs_by_path: dict[str, list[str]] = {}
    rows = []
    nodes = Category.objects.order_by("path").values_list(
        "path", "depth", "slug", "is_active", "updated_at"
    )
    for path, depth, slug, is_active, updated_at in nodes:
        parent = slugs_by_path.get(path[: -Category.steplen]) if depth > 1 else []
        if not is_active or parent is None:
            continue
        slugs = [*parent, slug]
        slugs_by_path[path] = slugs
        rows.append((category_url(slugs), updated_at))
    return rows[offset : offset + URLS_PER_FILE]


def _page_rows(*, offset: int) -> list[tuple[str, object]]:
    """The live, public pages of the store's site (its home page and content pages)."""
    if offset:
        return []
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return []
    root = site.root_page
    pages = (
        Page.objects.descendant_of(root, inclusive=True)
        .live()
        .public()
        .order_by("path")
        .values_list("url_path", "last_published_at")
    )
    return [("/" + url_path[len(root.url_path) :], published) for url_path, published in pages]


ROWS = {
    "pages": _page_rows,
    "categories": _category_rows,
    "brands": _brand_rows,
    "products": _product_rows,
}


def _files(count: int) -> int:
    return max(1, math.ceil(count / URLS_PER_FILE))


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)
