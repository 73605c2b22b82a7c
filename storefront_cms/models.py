"""Storefront pages and the store's theme, edited by each merchant in their Wagtail admin."""

from django.core.validators import URLValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page

from storefront_cms.blocks import content_page_blocks, home_page_blocks, menu_blocks, path_validator
from storefront_cms.catalog_routes import CatalogRoutes
from storefront_cms.theme import (
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    FontStack,
    colour_properties,
    hex_colour_validator,
    is_hex_colour,
)


class HomePage(CatalogRoutes, Page):
    """The storefront's front page: one per store, the root of its site. The catalog's pages
    (categories, products, search) are routes of it (storefront_cms.catalog_routes)."""

    body = StreamField(home_page_blocks(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["storefront_cms.ContentPage"]
    template = "storefront/home_page.html"

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        # pricing is a module of the platform's source root, like the apps (contract 5).
        from pricing import buyer_for

        context = super().get_context(request, *args, **kwargs)
        # Featured products show what this shopper may buy, at their channel's prices (a
        # company's own prices: the featured block prices its products with this buyer).
        buyer = buyer_for(user=getattr(request, "user", None))
        context["channel"] = buyer.channel
        context["buyer"] = buyer
        return context


class ContentPage(Page):
    """A page of text and pictures the merchant writes: about, FAQ, shipping and returns,
    privacy, terms..."""

    body = StreamField(content_page_blocks(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["storefront_cms.HomePage"]
    subpage_types: list[str] = []
    template = "storefront/content_page.html"

    class Meta:
        verbose_name = "content page"


social_url_validator = URLValidator(
    schemes=["https", "http"], message="Enter the full address, starting with https://"
)


def _social_url(network: str) -> models.URLField:
    return models.URLField(
        f"{network} address",
        max_length=300,
        blank=True,
        validators=[social_url_validator],
        help_text=f"Your {network} page, for example https://{network.lower()}.com/yourstore",
    )


@register_setting(icon="palette")
class ThemeSettings(BaseSiteSetting):
    """The store's look and navigation. Saving it shows on the storefront at once (the cached
    shell is dropped on save: storefront_cms.shell)."""

    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown in the header; the store's name is shown when there is none.",
    )
    primary_color = models.CharField(
        "primary colour",
        max_length=7,
        default=DEFAULT_PRIMARY,
        validators=[hex_colour_validator],
        help_text=(
            "Buttons, the header's links and highlights. Text on it is white or dark, "
            "whichever reads better; links use a darker shade when it is too light on white."
        ),
    )
    accent_color = models.CharField(
        "accent colour",
        max_length=7,
        default=DEFAULT_ACCENT,
        validators=[hex_colour_validator],
        help_text="The announcement bar and badges.",
    )
    font = models.CharField(
        max_length=20,
        choices=FontStack.choices,
        default=FontStack.SYSTEM,
        help_text="Fonts already on your shoppers' devices: nothing to download, pages load fast.",
    )
    announcement_text = models.CharField(
        max_length=160,
        blank=True,
        help_text="A line above the header, such as 'Free shipping over $50'. Empty hides it.",
    )
    announcement_link = models.CharField(
        max_length=300,
        blank=True,
        validators=[path_validator],
        help_text="Optional: a path on this store the announcement links to, such as /shipping/",
    )
    header_menu = StreamField(menu_blocks(), blank=True, help_text="Links in the header.")
    footer_menu = StreamField(menu_blocks(), blank=True, help_text="Links in the footer.")
    instagram_url = _social_url("Instagram")
    facebook_url = _social_url("Facebook")
    x_url = _social_url("X")
    tiktok_url = _social_url("TikTok")
    youtube_url = _social_url("YouTube")
    pinterest_url = _social_url("Pinterest")

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("logo"),
                    MultiFieldPanel(
                        [FieldPanel("primary_color"), FieldPanel("accent_color")],
                        heading="Colours",
                    ),
                    FieldPanel("font"),
                    MultiFieldPanel(
                        [FieldPanel("announcement_text"), FieldPanel("announcement_link")],
                        heading="Announcement bar",
                    ),
                ],
                heading="Look",
            ),
            ObjectList(
                [FieldPanel("header_menu"), FieldPanel("footer_menu")], heading="Navigation"
            ),
            ObjectList(
                [
                    FieldPanel("instagram_url"),
                    FieldPanel("facebook_url"),
                    FieldPanel("x_url"),
                    FieldPanel("tiktok_url"),
                    FieldPanel("youtube_url"),
                    FieldPanel("pinterest_url"),
                ],
                heading="Social links",
            ),
        ]
    )

    class Meta:
        verbose_name = "storefront theme"

    SOCIAL_NETWORKS = (
        ("instagram_url", "Instagram"),
        ("facebook_url", "Facebook"),
        ("x_url", "X"),
        ("tiktok_url", "TikTok"),
        ("youtube_url", "YouTube"),
        ("pinterest_url", "Pinterest"),
    )

    def social_links(self) -> list[dict]:
        return [
            {"network": network, "url": getattr(self, field)}
            for field, network in self.SOCIAL_NETWORKS
            if getattr(self, field)
        ]

    def colours(self) -> dict[str, str]:
        # Checked again here: these values go into a <style> element, and a row written
        # without the form's validation (a script, a fixture) must not reach it as it is.
        primary, accent = (
            value if is_hex_colour(value) else default
            for value, default in (
                (self.primary_color, DEFAULT_PRIMARY),
                (self.accent_color, DEFAULT_ACCENT),
            )
        )
        return colour_properties(primary=primary, accent=accent)

    def font_css(self) -> str:
        return FontStack(self.font).css if self.font in FontStack.values else FontStack.SYSTEM.css
