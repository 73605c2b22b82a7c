"""Category images on the storefront: the home page's category grid shows each category's
picture (a Wagtail image chosen in the store admin) as a responsive, lazily loaded rendition."""

import re

from catalog import services
from tests.catalog.factories import product
from tests.storefront_cms.conftest import set_home_body, wagtail_image
from tests.storefront_cms.test_pages import home_queries, text_of


def grid(categories, heading="Shop by category") -> dict:
    return {
        "type": "category_grid",
        "value": {"heading": heading, "categories": [category.pk for category in categories]},
    }


def with_image(name: str):
    return services.create_category(name=name, image=wagtail_image(f"{name} picture"))


def images_of(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def test_the_category_grid_shows_each_category_image_with_its_name_as_alt(in_store_a, store_client):
    lamps = with_image("Lamps")
    set_home_body([grid([lamps])])

    page = text_of(store_client(in_store_a).get("/"))

    [image] = [tag for tag in images_of(page) if 'alt="Lamps"' in tag]
    assert 'loading="lazy"' in image
    assert 'width="480"' in image and 'height="360"' in image
    srcset = re.search(r'srcset="([^"]*)"', image).group(1)
    assert re.search(r"\.fill-480x360[^ ]* 480w", srcset)
    assert re.search(r"\.fill-960x720[^ ]* 960w", srcset)
    assert 'sizes="' in image
    assert "category-tile--image" in page


def test_a_category_without_an_image_keeps_its_text_card(in_store_a, store_client):
    plain = services.create_category(name="Candles", description="Beeswax, hand poured.")
    set_home_body([grid([plain])])

    page = text_of(store_client(in_store_a).get("/"))

    assert '<span class="category-tile-name">Candles</span>' in page
    assert "Beeswax, hand poured." in page
    assert "category-tile--image" not in page
    assert 'alt="Candles"' not in page


def test_the_grid_takes_the_same_queries_for_2_or_6_categories_with_images(
    in_store_a, store_client, settings
):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0  # count what rendering the page costs
    categories = [with_image(f"Room {n}") for n in range(6)]
    client = store_client(in_store_a)

    set_home_body([grid(categories[:2])])
    with_two = home_queries(client)  # its first request made the renditions
    set_home_body([grid(categories)])
    with_six = home_queries(client)
    page = text_of(client.get("/"))

    assert with_six == with_two
    assert all(f'alt="Room {n}"' in page for n in range(6))
    # The store, its site, the page (type, row, view restrictions), the categories with their
    # images, their renditions, and the slugs of their trails (the cards' links).
    assert with_two == 9


def test_the_category_page_shows_its_image_in_the_header(in_store_a, store_client, settings):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0
    lamps = with_image("Lamps")
    candles = services.create_category(name="Candles")
    product("Brass desk lamp", categories=[lamps])
    product("Beeswax pillar", categories=[candles])
    client = store_client(in_store_a)

    with_picture = text_of(client.get("/c/lamps/"))
    without = text_of(client.get("/c/candles/"))

    [image] = [tag for tag in images_of(with_picture) if 'alt="Lamps"' in tag]
    assert "fill-960x720" in image and 'width="480"' in image
    assert "catalog-page__header--image" in with_picture
    assert "catalog-page__header--image" not in without
    assert 'alt="Candles"' not in without


def test_grid_cards_link_to_the_full_path_and_skip_categories_under_an_inactive_one(
    in_store_a, store_client, settings
):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0
    apparel = services.create_category(name="Apparel")
    tees = services.create_category(name="T-shirts", parent=apparel)
    archive = services.create_category(name="Archive", is_active=False)
    old = services.create_category(name="Old stock", parent=archive)
    set_home_body([grid([tees, apparel, old])])

    page = text_of(store_client(in_store_a).get("/"))

    assert 'href="/c/apparel/t-shirts/"' in page
    assert 'href="/c/apparel/"' in page
    assert "Old stock" not in page
