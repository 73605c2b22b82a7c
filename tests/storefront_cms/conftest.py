"""Fixtures for the storefront's pages: a store's schema, its home page, theme and images."""

import io

import pytest
from django.core.files.images import ImageFile
from django.db import connection
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Site

from storefront_cms.models import ContentPage, HomePage, ThemeSettings


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded images and their renditions go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def in_store_b(store_b):
    connection.set_tenant(store_b)
    return store_b


def home_page() -> HomePage:
    return HomePage.objects.get()


def content_page(slug: str) -> ContentPage:
    return ContentPage.objects.get(slug=slug)


def set_home_body(blocks: list[dict]) -> HomePage:
    """Publish the current store's home page with this body (raw JSON, as contract 7 says)."""
    home = home_page()
    home.body = blocks
    home.save_revision().publish()
    return home


def theme() -> ThemeSettings:
    return ThemeSettings.for_site(Site.objects.get(is_default_site=True))


def update_theme(**fields) -> ThemeSettings:
    settings = theme()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


def wagtail_image(title: str = "Picture", size=(1600, 900), colour=(40, 90, 160)):
    output = io.BytesIO()
    PillowImage.new("RGB", size, color=colour).save(output, "JPEG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(output, name=f"{title.lower().replace(' ', '-')}.jpg")
    )
