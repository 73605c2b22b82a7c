"""The storefront's pages as shoppers see them: the composed home page and the content pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from storefront_cms.models import ContentPage, HomePage, ThemeSettings
from tests.catalog.factories import product
from tests.storefront_cms.conftest import (
    content_page,
    home_page,
    set_home_body,
    wagtail_image,
)

STARTER_PAGES = {
    "/about/": "About us",
    "/faq/": "Frequently asked questions",
    "/shipping-returns/": "Shipping and returns",
    "/privacy/": "Privacy policy",
    "/terms/": "Terms of service",
}


def featured(products, heading="Our favourites") -> dict:
    return {
        "type": "featured_products",
        "value": {"heading": heading, "products": [p.pk for p in products]},
    }


def text_of(response) -> str:
    return response.content.decode()


def test_home_page_shows_every_block_the_merchant_composed(in_store_a, store_client):
    from catalog.models import Category

    lamp = product("Brass desk lamp", price="49.00")
    lamps = Category.add_root(name="Lamps", slug="lamps")
    picture = wagtail_image("Workshop")
    set_home_body(
        [
            {
                "type": "hero",
                "value": {
                    "heading": "Light for long evenings",
                    "text": "Lamps made in our workshop.",
                    "image": picture.pk,
                    "button_text": "Shop lamps",
                    "button_link": "/c/lamps/",
                },
            },
            featured([lamp]),
            {"type": "category_grid", "value": {"heading": "Browse", "categories": [lamps.pk]}},
            {"type": "rich_text", "value": "<p>Made by hand since 1998.</p>"},
            {
                "type": "image_text",
                "value": {
                    "image": picture.pk,
                    "heading": "Our workshop",
                    "text": "<p>Twelve people, one street.</p>",
                    "image_on_right": True,
                },
            },
            {"type": "promo_strip", "value": {"text": "Free delivery this week", "link": "/faq/"}},
        ]
    )

    response = store_client(in_store_a).get("/")

    assert response.status_code == 200
    page = text_of(response)
    assert "Light for long evenings" in page
    assert '<a class="button button--large" href="/c/lamps/">Shop lamps</a>' in page
    assert "srcset=" in page  # the hero picture in several sizes
    assert "Our favourites" in page and "Brass desk lamp" in page and "/p/brass-desk-lamp/" in page
    assert 'href="/c/lamps/"' in page and "Browse" in page
    assert "Made by hand since 1998." in page
    assert "Our workshop" in page and "image-text--right" in page
    assert 'href="/faq/">Free delivery this week' in page


def test_featured_products_shows_only_what_the_shopper_may_buy(in_store_a, store_client):
    shown = product("On sale")
    draft = product("Not ready", status="draft")
    business_only = product("Pallet of paper", visible_b2c=False, visible_b2b=True)
    set_home_body([featured([shown, draft, business_only])])

    page = text_of(store_client(in_store_a).get("/"))

    assert "On sale" in page
    assert "Not ready" not in page
    assert "Pallet of paper" not in page


def test_a_deleted_featured_product_drops_out_of_the_home_page(in_store_a, store_client):
    kept, deleted = product("Kept"), product("Deleted")
    set_home_body([featured([kept, deleted])])
    deleted.delete()

    response = store_client(in_store_a).get("/")

    assert response.status_code == 200
    assert "Kept" in text_of(response) and "Deleted" not in text_of(response)


def home_queries(client) -> int:
    client.get("/")  # the shell (theme, menus) is cached by the first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    # django-tenants' "SET search_path" before each query is not a query of the page.
    return sum(1 for query in queries if not query["sql"].startswith("SET search_path"))


def test_home_page_query_count_does_not_grow_with_featured_products(
    in_store_a, store_client, settings
):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0  # count what rendering the page costs
    products = [product(f"Chair {n}") for n in range(8)]
    client = store_client(in_store_a)

    set_home_body([featured(products[:1]), featured(products[1:2], heading="More")])
    with_two = home_queries(client)
    set_home_body([featured(products[:4]), featured(products[4:], heading="More")])
    with_eight = home_queries(client)

    assert with_eight == with_two
    # The store, its site, the page (type, row, view restrictions of it and its parent), and
    # one query for the products of every featured block; theme and menus come from the cache.
    assert with_two == 7


@pytest.mark.parametrize(("path", "title"), STARTER_PAGES.items())
def test_every_store_opens_with_its_content_pages(in_store_a, store_client, path, title):
    response = store_client(in_store_a).get(path)

    assert response.status_code == 200
    page = text_of(response)
    assert f"<h1>{title}</h1>" in page
    assert '<meta name="description"' in page
    assert 'aria-label="Breadcrumb"' in page


def test_a_new_store_is_provisioned_with_its_pages_and_theme(db, settings):
    from django_tenants.utils import schema_context

    from tenants.services import provision_store

    tenant = provision_store(name="Fresh Flowers", slug="fresh-flowers-test")

    with schema_context(tenant.schema_name):
        home = HomePage.objects.get()
        assert home.title == "Fresh Flowers"
        assert [block.block_type for block in home.body] == ["hero", "promo_strip"]
        assert home.body[0].value["heading"] == "Welcome to Fresh Flowers"
        assert set(ContentPage.objects.live().values_list("slug", flat=True)) == {
            "about",
            "faq",
            "shipping-returns",
            "privacy",
            "terms",
        }
        theme = ThemeSettings.objects.get()
        assert [item.value["label"] for item in theme.footer_menu] == [
            "About us",
            "FAQ",
            "Shipping & returns",
            "Privacy",
            "Terms",
        ]


def test_content_page_uses_its_seo_title_and_description(in_store_a, store_client):
    about = content_page("about")
    about.seo_title = "About the people behind Store A"
    about.search_description = "A family business since 1998."
    about.save_revision().publish()

    page = text_of(store_client(in_store_a).get("/about/"))

    assert "<title>About the people behind Store A · Store A</title>" in page
    assert '<meta name="description" content="A family business since 1998.">' in page


def test_merchant_adds_a_content_page_and_shoppers_see_it_once_published(in_store_a, store_client):
    page = ContentPage(
        title="Gift cards",
        slug="gift-cards",
        body=[{"type": "rich_text", "value": "<p>Give the gift of choice.</p>"}],
    )
    home_page().add_child(instance=page)
    page.unpublish()
    client = store_client(in_store_a)
    assert client.get("/gift-cards/").status_code == 404

    page.save_revision().publish()

    response = client.get("/gift-cards/")
    assert response.status_code == 200
    assert "Give the gift of choice." in text_of(response)


def test_owner_edits_the_home_page_in_the_admin_with_the_catalog_choosers(
    store_a, store_owner_client
):
    client = store_owner_client(store_a)
    connection.set_tenant(store_a)
    home = home_page()

    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{content_page('faq').pk}/edit/").status_code == 200
    product("Lamp with a searchable name")
    choose = client.get("/admin/storefront/choose-product/results/?q=searchable")
    assert choose.status_code == 200
    assert "Lamp with a searchable name" in text_of(choose)
    assert client.get("/admin/storefront/choose-category/").status_code == 200


def test_owner_previews_a_home_page_change_before_publishing(store_a, store_owner_client):
    client = store_owner_client(store_a)
    connection.set_tenant(store_a)
    home = home_page()
    home.body = [{"type": "rich_text", "value": "<p>Draft words</p>"}]
    home.save_revision()  # saved, not published

    preview = client.get(f"/admin/pages/{home.pk}/view_draft/")
    live = store_owner_client(store_a).get("/")

    assert preview.status_code == 200
    assert "Draft words" in text_of(preview)
    assert "Draft words" not in text_of(live)
