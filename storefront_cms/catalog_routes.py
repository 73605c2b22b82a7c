"""The storefront's catalog pages, routed under the store's HomePage (the site root):

``/c/<category path>/``, ``/p/<product slug>/``, ``/search/?q=``, ``/search/suggest/?q=``,
``/brands/`` and ``/brands/<slug>/``. Each page costs a fixed number of queries whatever its
size; a product that is inactive or not sold on the shopper's channel is a 404.
"""

import re

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.template.response import TemplateResponse
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from money import format_money
from pricing import PriceBook, buyer_for, channel_for, price_book, volume_tiers
from search.selectors import suggest_products
from storefront_cms import selectors, seo
from storefront_cms.cart_forms import cart_form
from storefront_cms.images import listing_image
from storefront_cms.listing import product_listing, read_choice
from storefront_cms.selectors import Crumb, brand_url, product_url

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
HOME = Crumb("Home", "/")


class CatalogRoutes(RoutablePageMixin):
    """Catalog pages of a store, mixed into its HomePage (``HomePage(CatalogRoutes, Page)``)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        name = _store_name(request, self)
        context.setdefault(
            "seo",
            seo.Seo(
                title=getattr(self, "seo_title", "") or name,
                description=seo.describe(getattr(self, "search_description", ""), name),
                canonical=seo.absolute(request, "/"),
                json_ld=[seo.organization(request, name)],
            ),
        )
        return context

    # --- Category ------------------------------------------------------------------------------

    @path("c/<path:category_path>/", name="category")
    def category_route(self, request, category_path: str):
        slugs = category_path.strip("/").split("/")
        if not all(SLUG.match(slug) for slug in slugs):
            raise Http404
        category = selectors.category_page(slugs[-1])
        if category is None:
            raise Http404
        if category.url != f"/c/{category_path}/":  # moved in the tree: one address per page
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(category.url + (f"?{query}" if query else ""))
        buyer = buyer_for(user=request.user)
        channel = buyer.channel
        choice = read_choice(request.GET, fixed=("category",))
        listing = product_listing(
            path=category.url, channel=channel, choice=choice, fixed={"category": category.slug}
        )
        _no_empty_pages(listing)
        crumbs = [HOME, *category.breadcrumbs, Crumb(category.name, category.url)]
        store_name = _store_name(request, self)
        page_seo = seo.listing_seo(
            request,
            title=category.seo_title or category.name,
            descriptions=(
                category.seo_description,
                category.description,
                f"Shop {category.name} at {store_name}.",
            ),
            path=category.url,
            page=listing.choice.page,
            store_name=store_name,
            crumbs=crumbs,
        )
        return self._render(
            request,
            "storefront/category.html",
            channel=channel,
            price_book=price_book(listing.products, buyer),
            seo=page_seo,
            category=category,
            listing=listing,
            listing_path=category.url,
            breadcrumbs=crumbs,
        )

    # --- Product -------------------------------------------------------------------------------

    @path("p/<slug:slug>/", name="product")
    def product_route(self, request, slug: str):
        buyer = buyer_for(user=request.user)
        channel = buyer.channel
        page = selectors.product_page(channel=channel, slug=slug)
        if page is None:
            raise Http404
        product = page.product
        crumbs = [HOME, *page.breadcrumbs, Crumb(product.name, product_url(product.slug))]
        images = [listing_image(image) for image in product.listing.get("images", [])]
        book = price_book([product], buyer)
        variants = _variants(product.listing.get("variants", []), book, images)
        # Volume pricing, for business buyers (net of tax like their prices).
        tiers = volume_tiers([product.pk], buyer)
        for variant in variants:
            variant["tiers"] = [
                (needed, format_money(book.net_amount(price), price.currency))
                for needed, price in tiers.get(variant["sku"], [])
            ]
        selected = _selected_variant(variants, request.GET.get("variant", ""))
        return self._render(
            request,
            "storefront/product.html",
            channel=channel,
            price_book=book,
            seo=seo.product_seo(
                request,
                page,
                channel=channel,
                store_name=_store_name(request, self),
                crumbs=crumbs,
            ),
            product=product,
            breadcrumbs=crumbs,
            attributes=page.attributes,
            images=images,
            variants=variants,
            selected=selected,
            main_image=images[selected["image"] if selected else 0] if images else None,
            cart_form=cart_form(product.id, selected),
            variant_data=[
                {
                    key: variant[key]
                    for key in ("sku", "price_text", "compare_text", "in_stock", "image")
                }
                for variant in variants
            ],
        )

    # --- Search --------------------------------------------------------------------------------

    @path("search/", name="search")
    def search_route(self, request):
        buyer = buyer_for(user=request.user)
        channel = buyer.channel
        text = " ".join(request.GET.get("q", "").split())[:200]
        choice = read_choice(request.GET, text=text)
        # Without words the page lists every product the shopper may buy, filters and sorts
        # included: "All products" (where the starter home page's "Browse the catalog" leads).
        listing = product_listing(path="/search/", channel=channel, choice=choice)
        _no_empty_pages(listing)
        store_name = _store_name(request, self)
        page_seo = seo.listing_seo(
            request,
            title=f"Search results for “{text}”" if text else "All products",
            descriptions=(f"Products matching {text} at {store_name}." if text else "",),
            path="/search/",
            page=choice.page,
            store_name=store_name,
            noindex=True,  # result pages are for shoppers, not for search engines' indexes
            params={"q": text} if text else None,
        )
        return self._render(
            request,
            "storefront/search.html",
            channel=channel,
            # Search documents hold no company's prices: a member's are computed here, for
            # the page's products only (pricing.price_book).
            price_book=price_book(listing.products, buyer),
            seo=page_seo,
            query=text,
            search_query=text,  # the header's search box shows it
            listing=listing,
            listing_path="/search/",
        )

    @path("search/suggest/", name="search_suggest")
    def search_suggest_route(self, request):
        """Autocomplete for the header's search box: an HTML fragment (a listbox's options),
        or JSON with ``?format=json``."""
        channel = channel_for(user=request.user)
        text = request.GET.get("q", "").strip()[:100]
        suggestions = suggest_products(prefix=text, channel=channel, limit=8) if text else []
        if request.GET.get("format") == "json":
            results = [{"text": s.text, "url": product_url(s.slug)} for s in suggestions]
            return JsonResponse({"results": results})
        return TemplateResponse(
            request,
            "storefront/includes/search_suggestions.html",
            {"suggestions": suggestions, "query": text},
        )

    # --- Brands --------------------------------------------------------------------------------

    @path("brands/", name="brands")
    def brands_route(self, request):
        store_name = _store_name(request, self)
        crumbs = [HOME, Crumb("Brands", "/brands/")]
        page_seo = seo.listing_seo(
            request,
            title="Brands",
            descriptions=(f"Every brand sold at {store_name}.",),
            path="/brands/",
            page=1,
            store_name=store_name,
            crumbs=crumbs,
        )
        brands = [Crumb(brand.name, brand_url(brand.slug)) for brand in selectors.brands()]
        return self._render(
            request,
            "storefront/brand.html",
            channel=channel_for(user=request.user),
            seo=page_seo,
            brands=brands,
            breadcrumbs=crumbs,
        )

    @path("brands/<slug:slug>/", name="brand")
    def brand_route(self, request, slug: str):
        brand = selectors.brand(slug)
        if brand is None:
            raise Http404
        buyer = buyer_for(user=request.user)
        channel = buyer.channel
        url = brand_url(brand.slug)
        choice = read_choice(request.GET, fixed=("brand",))
        listing = product_listing(path=url, channel=channel, choice=choice, fixed={"brand": slug})
        _no_empty_pages(listing)
        store_name = _store_name(request, self)
        crumbs = [HOME, *seo.brand_crumbs(brand)]
        page_seo = seo.listing_seo(
            request,
            title=brand.name,
            descriptions=(brand.description, f"Shop {brand.name} at {store_name}."),
            path=url,
            page=listing.choice.page,
            store_name=store_name,
            crumbs=crumbs,
        )
        return self._render(
            request,
            "storefront/brand.html",
            channel=channel,
            price_book=price_book(listing.products, buyer),
            seo=page_seo,
            brand=brand,
            listing=listing,
            listing_path=url,
            breadcrumbs=crumbs,
        )

    # -------------------------------------------------------------------------------------------

    def _render(self, request, template: str, **context) -> TemplateResponse:
        # Not self.render(): the home page's own context (featured products, blocks) is no
        # part of a catalog page, and would cost its queries on every one.
        return TemplateResponse(request, template, {"page": self, "self": self, **context})


def _store_name(request, page) -> str:
    tenant = getattr(request, "tenant", None)
    return getattr(tenant, "name", "") or page.title


def _no_empty_pages(listing) -> None:
    """A page number past the last page is no page (crawlers would index empty listings)."""
    if listing.choice.page > 1 and listing.choice.page > listing.page_count:
        raise Http404


def _option_label(variant: dict) -> str:
    options = variant.get("options") or {}
    if options:
        return ", ".join(
            f"{name.replace('_', ' ').capitalize()}: {value}" for name, value in options.items()
        )
    return variant.get("name") or variant["sku"]


def _variants(variants: list[dict], book: PriceBook, images) -> list[dict]:
    """The variants for the picker: label, price for the shopper (``book``: their channel,
    their company's price lists, net of tax on B2B), stock, and the index of the gallery
    image that shows it (the first image when none does)."""
    image_of = {image.variant: index for index, image in reversed(list(enumerate(images)))}
    shown = []
    for variant in variants:
        price = book.price(variant)
        compare_at = price.compare_at if price.is_discounted else None
        shown.append(
            {
                "sku": variant["sku"],
                "label": _option_label(variant),
                "price": price.amount,
                "currency": price.currency,
                "price_text": format_money(price.amount, price.currency),
                "compare_at": compare_at,
                "compare_text": format_money(compare_at, price.currency),
                "in_stock": variant["in_stock"],
                "image": image_of.get(variant["sku"], 0),
            }
        )
    return shown


def _selected_variant(variants: list[dict], sku: str) -> dict | None:
    """The variant asked for (``?variant=<sku>``), else the first in stock, else the first."""
    for variant in variants:
        if variant["sku"] == sku:
            return variant
    return next((v for v in variants if v["in_stock"]), variants[0] if variants else None)
