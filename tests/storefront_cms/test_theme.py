"""The merchant's theme and menus: visible at once, readable, validated, and never another
store's."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from storefront_cms.theme import BLACK, INK, WHITE, FontStack, colour_properties, contrast_ratio
from tests.storefront_cms.conftest import content_page, theme, update_theme, wagtail_image


def page_of(client, path="/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_theme_change_shows_on_the_next_page_view(in_store_a, store_client):
    client = store_client(in_store_a)
    assert "--primary:#1f4e79" in page_of(client)  # cached now

    update_theme(
        primary_color="#0B6E4F",
        accent_color="#F2C14E",
        font=FontStack.TRANSITIONAL,
        announcement_text="Free shipping over $50",
        announcement_link="/shipping-returns/",
    )

    page = page_of(client)
    assert "--primary:#0b6e4f" in page
    assert "--accent:#f2c14e" in page
    assert "--font:Charter," in page
    assert '<a href="/shipping-returns/">Free shipping over $50</a>' in page


def test_the_logo_replaces_the_store_name_in_the_header(in_store_a, store_client):
    update_theme(logo=wagtail_image("Logo", size=(600, 200)))

    page = page_of(store_client(in_store_a))

    assert '<img src="/media/store_a/images/logo' in page
    assert 'alt="Store A"' in page


def test_menus_show_the_merchants_links_and_follow_page_changes(in_store_a, store_client):
    faq = content_page("faq")
    update_theme(
        header_menu=[
            {"type": "link", "value": {"label": "Sale", "path": "/search/?q=sale"}},
            {"type": "page", "value": {"page": faq.pk, "label": ""}},
        ],
        footer_menu=[{"type": "link", "value": {"label": "Gift cards", "path": "/gift-cards/"}}],
    )
    client = store_client(in_store_a)

    page = page_of(client)
    assert '<a href="/search/?q=sale">Sale</a>' in page
    assert '<a href="/faq/">Frequently asked questions</a>' in page
    assert '<a href="/gift-cards/">Gift cards</a>' in page

    faq.unpublish()

    assert 'href="/faq/"' not in page_of(client)


def test_social_links_show_in_the_footer(in_store_a, store_client):
    update_theme(instagram_url="https://instagram.com/store-a")

    page = page_of(store_client(in_store_a))

    assert '<a href="https://instagram.com/store-a" rel="noopener me">Instagram</a>' in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("primary_color", "red"),
        ("accent_color", "#12345"),
        ("primary_color", "#123456;}body{display:none"),
        ("instagram_url", "javascript:alert(1)"),
        ("facebook_url", "not a link"),
        ("announcement_link", "//elsewhere.example/"),
        ("announcement_link", "https://elsewhere.example/"),
        ("font", "Comic Sans"),
    ],
)
def test_theme_refuses_what_would_break_the_page(in_store_a, field, value):
    with pytest.raises(ValidationError) as refused:
        update_theme(**{field: value})

    assert field in refused.value.message_dict


def test_a_menu_link_must_stay_on_the_store():
    from storefront_cms.blocks import PathLinkBlock

    with pytest.raises(ValidationError):
        PathLinkBlock().clean({"label": "Elsewhere", "path": "https://elsewhere.example/"})


def test_a_colour_saved_without_validation_never_reaches_the_stylesheet(in_store_a, store_client):
    theme_row = theme()
    type(theme_row).objects.filter(pk=theme_row.pk).update(primary_color="</style")

    page = page_of(store_client(in_store_a))

    assert "</style" not in page.split("</style>")[0]
    assert "--primary:#1f4e79" in page


@pytest.mark.parametrize(
    "colour", ["#ffeb3b", "#f2c14e", "#00ffff", "#777777", "#1f4e79", "#000000"]
)
def test_any_primary_colour_gets_readable_text_and_links(colour):
    colours = colour_properties(primary=colour, accent=colour)

    assert colours["on_primary"] in (WHITE, INK, BLACK)
    assert contrast_ratio(colour, colours["on_primary"]) >= 4.5
    assert contrast_ratio(colours["primary_ink"], WHITE) >= 4.5


def test_store_b_never_shows_store_a_theme_or_pages(in_store_a, store_b, store_client):
    update_theme(primary_color="#aa0000", announcement_text="Store A summer sale")
    about = content_page("about")
    about.title = "About the makers of Store A"
    about.save_revision().publish()
    assert "Store A summer sale" in page_of(store_client(in_store_a))

    connection.set_tenant(store_b)
    store_b_home = page_of(store_client(store_b))
    store_b_about = page_of(store_client(store_b), "/about/")

    assert "Store A" not in store_b_home
    assert "--primary:#aa0000" not in store_b_home
    assert "Store B" in store_b_home
    assert "About the makers of Store A" not in store_b_about


def theme_queries(client, path: str) -> list[str]:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return [query["sql"] for query in queries]


def test_the_theme_and_menus_cost_no_query_once_cached(in_store_a, store_client):
    queries = theme_queries(store_client(in_store_a), "/about/")

    assert not [sql for sql in queries if "storefront_cms_themesettings" in sql]
    assert not [sql for sql in queries if "catalog_category" in sql]
    assert not [sql for sql in queries if "wagtailimages" in sql]


def test_api_requests_and_the_platform_host_get_no_shell(rf, store_a, settings):
    from storefront_cms.context_processors import storefront
    from tenants.models import Tenant

    api = rf.get("/api/v1/shop/products/")
    api.tenant = store_a
    platform = rf.get("/")
    platform.tenant = Tenant(schema_name="public", name="Mercato", slug="")

    assert storefront(api) == {}
    assert storefront(platform) == {}


def test_theme_settings_are_in_the_admin_settings_menu(store_a, store_owner_client):
    client = store_owner_client(store_a)
    connection.set_tenant(store_a)
    site_id = theme().site_id

    admin_home = client.get("/admin/").content.decode()
    edit = client.get(f"/admin/settings/storefront_cms/themesettings/{site_id}/")

    assert "/admin/settings/storefront_cms/themesettings/" in admin_home
    assert edit.status_code == 200
    assert "Primary colour" in edit.content.decode()
