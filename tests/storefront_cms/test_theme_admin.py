"""The theme in the store admin (Settings > Storefront theme): who may change it, and what the
merchant sees when they do, right or wrong."""

import pytest
from django.db import connection

from tests.conftest import HostClient
from tests.matrix import make_person
from tests.storefront_cms.conftest import theme

EXPECTED = {
    "owner": 200,
    "catalog_manager": 200,
    "order_manager": 302,
    "support": 302,
    "customer": 302,
    "anonymous": 302,
}


def theme_form(**changes) -> dict:
    data = {
        "logo": "",
        "primary_color": "#1f4e79",
        "accent_color": "#d9822b",
        "font": "system",
        "announcement_text": "",
        "announcement_link": "",
        "header_menu-count": "0",
        "footer_menu-count": "0",
        "instagram_url": "",
        "facebook_url": "",
        "x_url": "",
        "tiktok_url": "",
        "youtube_url": "",
        "pinterest_url": "",
    }
    data.update(changes)
    return data


def client_of(role: str, store) -> HostClient:
    client = HostClient(HTTP_HOST=store.primary_host)
    if role != "anonymous":
        connection.set_tenant(store)
        client.force_login(make_person(role))
    return client


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_who_may_open_the_theme_settings(in_store_a, role, status):
    client = client_of(role, in_store_a)
    url = f"/admin/settings/storefront_cms/themesettings/{theme().site_id}/"

    response = client.get(url)

    assert response.status_code == status
    if status == 200:
        assert "Primary colour" in response.content.decode()


def test_the_owner_saves_the_theme_and_shoppers_see_it_at_once(in_store_a, store_client):
    shopper = store_client(in_store_a)
    assert "Summer sale" not in shopper.get("/").content.decode()  # the shell is cached now
    owner = client_of("owner", in_store_a)
    url = f"/admin/settings/storefront_cms/themesettings/{theme().site_id}/"

    saved = owner.post(url, theme_form(primary_color="#7a1fa2", announcement_text="Summer sale"))

    assert saved.status_code == 302
    page = shopper.get("/").content.decode()
    assert "Summer sale" in page
    assert "--primary:#7a1fa2" in page


def test_a_wrong_colour_is_shown_next_to_its_field_and_nothing_typed_is_lost(in_store_a):
    owner = client_of("owner", in_store_a)
    url = f"/admin/settings/storefront_cms/themesettings/{theme().site_id}/"

    response = owner.post(
        url, theme_form(primary_color="purple", announcement_text="Keep me", x_url="not a url")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a colour as # and six hex digits" in page
    assert "Enter a valid URL." in page
    assert 'value="Keep me"' in page and 'value="purple"' in page
    assert theme().primary_color == "#1f4e79"
