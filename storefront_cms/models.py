"""Storefront pages, edited by each merchant in their store's Wagtail admin."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from storefront_cms.catalog_routes import CatalogRoutes


class HomePage(CatalogRoutes, Page):
    """The storefront's front page (one per store, at the root of its site)."""

    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
