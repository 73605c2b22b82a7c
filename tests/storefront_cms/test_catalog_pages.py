"""The catalog pages as a shopper uses them: categories with facets, sorting and pages, product
pages with their variant picker, search with "did you mean" and suggestions, brand pages."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as accounts_services
from accounts.models import User
from catalog import images, services
from search import services as search
from tests.catalog.factories import image_bytes, product, upload
from tests.storefront_cms.catalog_data import make_catalog


@pytest.fixture
def catalog_a(store_a):
    return make_catalog(store_a)


@pytest.fixture
def shop(store_a, store_client):
    """An anonymous shopper's client of store A (the test goes on in store A's schema)."""
    connection.set_tenant(store_a)
    return store_client(store_a)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded images and their renditions go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # These tests look at pages as rendered; the page cache has tests of its own.
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def card_names(response) -> list[str]:
    return [node.get_text(strip=True) for node in html(response).select(".product-card__name")]


def crumbs(response) -> list[str]:
    return [node.get_text(strip=True) for node in html(response).select(".breadcrumbs li")]


@pytest.fixture
def b2b_buyer(store_a, store_client):
    """A client signed in as a company's buyer (the B2B channel)."""
    connection.set_tenant(store_a)
    buyer = User.objects.create_user("buyer@co.test", "buyer@co.test", "Correct-horse-42")
    accounts_services.create_company(name="Co Ltd", admin=buyer)
    client = store_client(store_a)
    client.force_login(buyer)
    return client


# --- Category pages ----------------------------------------------------------------------------


def test_category_page_lists_the_products_of_its_whole_subtree(shop, catalog_a):
    response = shop.get("/c/clothing/")
    assert response.status_code == 200
    assert html(response).h1.get_text(strip=True) == "Clothing"
    assert card_names(response) == ["City Loafer", "Trail Runner", "Winter Boot"]
    assert crumbs(response) == ["Home", "Clothing"]
    subcategories = html(response).select(".subcategories a")
    assert [(a.get_text(), a["href"]) for a in subcategories] == [("Shoes", "/c/clothing/shoes/")]
    assert "3 products" in response.content.decode()


def test_a_subcategory_lives_at_its_full_path(shop, catalog_a):
    response = shop.get("/c/clothing/shoes/")
    assert response.status_code == 200
    assert crumbs(response) == ["Home", "Clothing", "Shoes"]
    assert html(response).select_one(".breadcrumbs a[href='/c/clothing/']")

    moved = shop.get("/c/shoes/?sort=price")
    assert moved.status_code == 301
    assert moved["Location"] == "/c/clothing/shoes/?sort=price"
    assert shop.get("/c/nowhere/").status_code == 404
    assert shop.get("/c/clothing/no%20such/").status_code == 404


def test_an_inactive_category_is_no_page(shop, catalog_a):
    from catalog.models import Category

    services.update_category(
        category=Category.objects.get(slug="clothing"), data={"is_active": False}
    )
    assert shop.get("/c/clothing/").status_code == 404
    assert shop.get("/c/clothing/shoes/").status_code == 404


def test_facets_filter_the_listing_and_show_what_is_chosen(shop, catalog_a):
    response = shop.get("/c/home/", {"brand": "lumen", "attr.colour": "black"})
    assert card_names(response) == ["Brass Desk Lamp"]
    page = html(response)
    assert page.select_one("input[name='brand'][value='lumen']").has_attr("checked")
    assert page.select_one("input[name='attr.colour'][value='black']").has_attr("checked")
    assert not page.select_one("input[name='attr.colour'][value='white']").has_attr("checked")
    legends = [node.get_text(strip=True) for node in page.select(".facet legend")]
    assert {"Brand", "Price", "Colour", "Availability"} <= set(legends)
    # Checkboxes of the same facet send one parameter per value: any of them matches.
    both = shop.get("/c/home/?attr.colour=black&attr.colour=white")
    assert card_names(both) == ["Brass Desk Lamp", "Floor Lamp"]


def test_price_range_and_stock_facets(shop, catalog_a):
    assert card_names(shop.get("/c/clothing/", {"price": "100-250"})) == [
        "City Loafer",
        "Winter Boot",
    ]
    assert card_names(shop.get("/c/clothing/", {"in_stock": "true"})) == [
        "City Loafer",
        "Trail Runner",
    ]
    out = shop.get("/c/clothing/")
    assert "Out of stock" in html(out).select(".product-card")[2].get_text()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["City Loafer", "Trail Runner", "Winter Boot"]),
        ("-name", ["Winter Boot", "Trail Runner", "City Loafer"]),
        ("price", ["Trail Runner", "City Loafer", "Winter Boot"]),
        ("-price", ["Winter Boot", "City Loafer", "Trail Runner"]),
        ("newest", ["Winter Boot", "City Loafer", "Trail Runner"]),
    ],
)
def test_listings_sort_as_chosen(shop, catalog_a, sort, expected):
    response = shop.get("/c/clothing/", {"sort": sort})
    assert card_names(response) == expected
    assert html(response).select_one(f"#listing-sort option[value='{sort}']").has_attr("selected")


def test_a_bad_filter_is_named_and_the_rest_of_the_page_shown(shop, catalog_a):
    response = shop.get("/c/clothing/", {"price_min": "cheap", "sort": "sideways", "page": "x"})
    assert response.status_code == 200
    assert "price_min: Enter a number." in html(response).select_one(".filters__errors").get_text()
    assert card_names(response) == ["City Loafer", "Trail Runner", "Winter Boot"]


def test_cards_show_the_lowest_price_and_link_to_the_product(shop, catalog_a):
    card = html(shop.get("/c/clothing/shoes/")).select(".product-card")[1]
    assert card.select_one("a")["href"] == "/p/trail-runner/"
    assert card.select_one(".product-card__price").get_text(strip=True) == "From $80.00"
    assert card.select_one(".product-card__brand").get_text(strip=True) == "Stride"


@pytest.fixture
def thirty_shirts(store_a):
    connection.set_tenant(store_a)
    shirts = services.create_category(name="Shirts")
    for number in range(30):
        product(f"Shirt {number:02d}", price=str(10 + number), categories=[shirts])
    search.reindex_store()
    return shirts


def test_pages_of_24_with_links_to_the_others(shop, thirty_shirts):
    first = shop.get("/c/shirts/", {"sort": "price"})
    assert len(card_names(first)) == 24
    page = html(first)
    assert page.select_one("a[rel='next']")["href"] == "/c/shirts/?page=2&sort=price"
    assert page.select_one(".pagination a[aria-current='page']").get_text() == "1"
    second = shop.get("/c/shirts/", {"sort": "price", "page": "2"})
    assert card_names(second) == [f"Shirt {number}" for number in range(24, 30)]
    assert html(second).select_one("a[rel='prev']")["href"] == "/c/shirts/?sort=price"
    assert shop.get("/c/shirts/", {"page": "3"}).status_code == 404


def _queries(client, url) -> int:
    """Queries of a view of ``url``, once what every page reads once (the storefront's shell,
    query plans) is warm."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_a_listing_costs_the_same_queries_whatever_its_size(shop, store_a, catalog_a):
    few = _queries(shop, "/c/clothing/?brand=stride&attr.colour=black")
    connection.set_tenant(store_a)
    clothing = services.create_category(name="Socks")
    for number in range(30):
        product(f"Sock {number}", categories=[clothing], brand_name="Stride")
    search.reindex_store()
    assert _queries(shop, "/c/socks/?brand=stride&attr.colour=black") == few
    assert _queries(shop, "/c/socks/") == _queries(shop, "/c/clothing/shoes/")


# --- Product pages -----------------------------------------------------------------------------


def test_product_page_shows_what_a_shopper_needs_to_choose(shop, catalog_a):
    response = shop.get("/p/trail-runner/")
    assert response.status_code == 200
    page = html(response)
    assert page.h1.get_text(strip=True) == "Trail Runner"
    # The first variant in stock is chosen: its price, stock and SKU.
    assert page.select_one("[data-price]").get_text() == "$90.00"
    assert page.select_one("[data-stock]").get_text() == "In stock"
    assert page.select_one("[data-sku]").get_text() == "RUN-42"
    options = page.select(".variant-picker input[type=radio]")
    assert [(o["value"], o.has_attr("checked")) for o in options] == [
        ("RUN-40", False),
        ("RUN-42", True),
    ]
    labels = [label.get_text(" ", strip=True) for label in page.select(".variant-picker__option")]
    assert labels == ["Size: 40 $80.00 out of stock", "Size: 42 $90.00"]
    assert crumbs(response) == ["Home", "Clothing", "Shoes", "Trail Runner"]
    assert page.select_one(".product__brand a")["href"] == "/brands/stride/"
    description = page.select_one(".product__description")
    assert description.select_one("b").get_text() == "trail"
    assert not description.select("script")  # the merchant's HTML is cleaned


def test_the_variant_picker_works_without_javascript(shop, catalog_a):
    page = html(shop.get("/p/trail-runner/", {"variant": "RUN-40"}))
    assert page.select_one("form.variant-picker")["method"] == "get"
    assert page.select_one("[data-price]").get_text() == "$80.00"
    assert page.select_one("[data-stock]").get_text() == "Out of stock"
    assert page.select_one("input[value='RUN-40']").has_attr("checked")
    assert page.select_one("#variant-data")  # what the script switches between


def test_product_attributes_are_listed_with_their_names(shop, catalog_a):
    page = html(shop.get("/p/brass-desk-lamp/"))
    rows = [
        (row.th.get_text(strip=True), row.td.get_text(strip=True))
        for row in page.select(".product__attributes tr")
    ]
    assert rows == [("Colour", "Black")]
    assert not page.select(".variant-picker")  # one variant: nothing to pick


@pytest.mark.parametrize("slug", ["draft-lamp", "trade-lamp-pack", "no-such-product"])
def test_products_a_shopper_may_not_buy_are_not_found(shop, catalog_a, slug):
    assert shop.get(f"/p/{slug}/").status_code == 404


def test_an_archived_product_disappears(shop, catalog_a):
    services.update_product(product=catalog_a["loafer"], data={"status": "archived"})
    assert shop.get("/p/city-loafer/").status_code == 404


def test_business_buyers_see_their_prices_and_products(b2b_buyer, catalog_a):
    response = b2b_buyer.get("/p/trail-runner/")
    assert html(response).select_one("[data-price]").get_text() == "$60.00"
    assert b2b_buyer.get("/p/trade-lamp-pack/").status_code == 200
    lamps = html(b2b_buyer.get("/c/home/lighting/", {"sort": "price"}))
    # Their price, the consumer price struck through beside it (pricing.price_for), and
    # that it is net of tax (B2B prices are shown without tax).
    card_price = lamps.select_one(".product-card__price")
    assert card_price.get_text(" ", strip=True) == "$12.00 Was $20.00 excl. tax"
    assert card_price.select_one("s").get_text(" ", strip=True) == "Was $20.00"


@pytest.fixture
def photographed(store_a, catalog_a):
    """Trail Runner with three photos (renditions made), the second one showing RUN-40."""
    connection.set_tenant(store_a)
    runner = catalog_a["runner"]
    variant = runner.variants.get(sku="RUN-40")
    for index in range(3):
        image = images.add_product_image(
            product=runner,
            upload=upload(image_bytes(size=(900, 600))),
            alt_text=f"Trail Runner, view {index + 1}",
            variant=variant if index == 1 else None,
        )
        images.generate_renditions(image_id=image.pk)
    return runner


def test_gallery_has_renditions_alt_text_and_lazy_thumbnails(shop, photographed):
    page = html(shop.get("/p/trail-runner/", {"variant": "RUN-40"}))
    main = page.select_one(".gallery__main img")
    assert main["alt"] == "Trail Runner, view 2"  # the chosen variant's photo
    assert "loading" not in main.attrs and main["fetchpriority"] == "high"
    assert main["width"] == "900" and main["height"] == "600"
    assert "200w" in main["srcset"] and "600w" in main["srcset"] and "900w" in main["srcset"]
    assert "/medium." in main["src"]
    assert ".webp" in page.select_one(".gallery__main source[type='image/webp']")["srcset"]
    thumbs = page.select(".gallery__thumbs img")
    assert len(thumbs) == 3 and all(thumb["loading"] == "lazy" for thumb in thumbs)


def test_a_product_page_costs_the_same_queries_whatever_its_size(shop, store_a, catalog_a):
    small = _queries(shop, "/p/city-loafer/")
    connection.set_tenant(store_a)
    big = product(
        "Big Boot",
        categories=[catalog_a["runner"].categories.first()],
        brand_name="Stride",
        variants=[
            {"sku": f"BIG-{n}", "price": Decimal(50 + n), "options": {"size": str(n)}}
            for n in range(30)
        ],
    )
    for index in range(4):
        images.add_product_image(product=big, upload=upload(image_bytes()), alt_text=str(index))
    services.set_attribute_values(owner=big, values={"colour": "red"})
    assert _queries(shop, "/p/big-boot/") == small


# --- Search ------------------------------------------------------------------------------------


def test_search_finds_products_with_facets(shop, catalog_a):
    response = shop.get("/search/", {"q": "lamp"})
    assert response.status_code == 200
    assert card_names(response) == ["Brass Desk Lamp", "Floor Lamp"]
    page = html(response)
    assert page.select_one("#search-page-q")["value"] == "lamp"
    assert page.select_one("form.filters input[name='q']")["value"] == "lamp"
    assert page.select_one("#listing-sort option[value='relevance']").has_attr("selected")
    narrowed = shop.get("/search/", {"q": "lamp", "attr.colour": "white"})
    assert card_names(narrowed) == ["Floor Lamp"]


def test_search_corrects_a_typo(shop, catalog_a):
    page = html(shop.get("/search/", {"q": "lamb"}))
    suggestion = page.select_one(".did-you-mean a")
    assert suggestion.get_text() == "lamp"
    assert suggestion["href"] == "/search/?q=lamp"
    assert [n.get_text(strip=True) for n in page.select(".product-card__name")] == [
        "Brass Desk Lamp",
        "Floor Lamp",
    ]


def test_a_search_without_words_lists_all_products_the_shopper_may_buy(shop, catalog_a):
    # Where the starter home page's "Browse the catalog" leads: the whole catalog, with its
    # filters; never a draft, nor a product of the other channel.
    response = shop.get("/search/")
    assert response.status_code == 200
    assert html(response).h1.get_text(strip=True) == "All products"
    assert html(response).title.get_text().startswith("All products")
    assert sorted(card_names(response)) == [
        "Brass Desk Lamp",
        "City Loafer",
        "Floor Lamp",
        "Trail Runner",
        "Winter Boot",
    ]
    assert "5 products" in response.content.decode()
    lamps = shop.get("/search/", {"brand": "lumen"})
    assert sorted(card_names(lamps)) == ["Brass Desk Lamp", "Floor Lamp"]


def test_search_never_shows_what_the_shopper_may_not_buy(shop, catalog_a):
    assert card_names(shop.get("/search/", {"q": "lamp pack"})) == []
    assert card_names(shop.get("/search/", {"q": "draft"})) == []


def test_suggestions_are_an_html_fragment_of_options_or_json(shop, catalog_a):
    response = shop.get("/search/suggest/", {"q": "bra"})
    assert response.status_code == 200
    options = html(response).select("li[role='option'] a")
    assert [(a.get_text(), a["href"]) for a in options] == [
        ("Brass Desk Lamp", "/p/brass-desk-lamp/")
    ]
    assert "<html" not in response.content.decode()
    as_json = shop.get("/search/suggest/", {"q": "lam", "format": "json"}).json()
    assert {item["url"] for item in as_json["results"]} == {
        "/p/brass-desk-lamp/",
        "/p/floor-lamp/",
    }
    assert shop.get("/search/suggest/", {"q": ""}).content.strip() == b""


def test_the_search_box_script_is_on_catalog_pages(shop, catalog_a):
    page = html(shop.get("/search/", {"q": "lamp"}))
    assert any(
        script["src"].endswith("storefront/catalog.js") for script in page.select("script[src]")
    )
    assert page.select_one("link[href$='storefront/catalog.css']")


# --- Brands ------------------------------------------------------------------------------------


def test_brand_pages(shop, catalog_a):
    brands = html(shop.get("/brands/"))
    assert [(a.get_text(), a["href"]) for a in brands.select(".brand-list a")] == [
        ("Lumen", "/brands/lumen/"),
        ("Stride", "/brands/stride/"),
    ]
    lumen = shop.get("/brands/lumen/")
    assert lumen.status_code == 200
    assert html(lumen).h1.get_text(strip=True) == "Lumen"
    assert card_names(lumen) == ["Brass Desk Lamp", "Floor Lamp"]  # not the trade pack
    assert not html(lumen).select("input[name='brand']")  # the page's own brand is no facet
    assert crumbs(lumen) == ["Home", "Brands", "Lumen"]
    assert shop.get("/brands/nobody/").status_code == 404


# --- Stores ------------------------------------------------------------------------------------


def test_store_b_never_shows_store_a_products(catalog_a, store_b, store_client):
    other = store_client(store_b)
    for url in ("/p/trail-runner/", "/c/clothing/", "/brands/lumen/"):
        assert other.get(url).status_code == 404, url
    assert card_names(other.get("/search/", {"q": "lamp"})) == []
    assert other.get("/search/suggest/", {"q": "lam", "format": "json"}).json() == {"results": []}
