"""What every storefront page shows around its content: the store's name, theme, menus and
category menu, read from the cache (the store's schema is in every key: django-tenants'
``make_key``, and the schema named in ours as well).

Built once and kept until the merchant changes something it shows: saving the theme, publishing,
unpublishing, moving or deleting a page, or changing the site drops it (signals below); the
category menu is keyed by the catalog's version, which every catalog change bumps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalog.catalog_version import catalog_version
from catalog.selectors import category_tree_for_shoppers

# A day: the keys are dropped on every change anyway; the timeout only bounds forgotten ones.
SHELL_CACHE_SECONDS = 24 * 60 * 60
LOGO_FILTER = "max-400x120"


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str


@dataclass(frozen=True)
class Logo:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Theme:
    """The theme as templates use it (plain values: cached, no query when read)."""

    colours: dict[str, str]
    font: str
    logo: Logo | None = None
    announcement_text: str = ""
    announcement_link: str = ""
    social_links: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Shell:
    store_name: str
    theme: Theme
    menus: dict[str, list[MenuLink]]


def _shell_key() -> str:
    return f"storefront:shell:{connection.schema_name}"


def _category_menu_key() -> str:
    version, _ = catalog_version()
    return f"storefront:category-menu:{connection.schema_name}:{version}"


def storefront_shell(request) -> Shell:
    """The current store's shell, from the cache (built on a miss)."""
    shell_key, category_key = _shell_key(), _category_menu_key()
    cached = cache.get_many([shell_key, category_key])
    shell = cached.get(shell_key)
    if shell is None:
        shell = build_shell(request)
        cache.set(shell_key, shell, timeout=SHELL_CACHE_SECONDS)
    categories = cached.get(category_key)
    if categories is None:
        categories = category_tree_for_shoppers()
        cache.set(category_key, categories, timeout=SHELL_CACHE_SECONDS)
    return Shell(
        store_name=shell.store_name,
        theme=shell.theme,
        menus={**shell.menus, "categories": categories},
    )


def cached_store_shell() -> Shell | None:
    """The current store's shell if it is cached (no category menu); never reads the database."""
    return cache.get(_shell_key())


def build_shell(request) -> Shell:
    """The store's name, theme and menus, read from the database."""
    from storefront_cms.models import ThemeSettings

    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    settings = ThemeSettings.for_site(site) if site is not None else ThemeSettings()
    store_name = (site.site_name if site else "") or getattr(request.tenant, "name", "")
    theme = Theme(
        colours=settings.colours(),
        font=settings.font_css(),
        logo=_logo(settings),
        announcement_text=settings.announcement_text,
        announcement_link=settings.announcement_link,
        social_links=settings.social_links(),
    )
    menus = {
        "header": _menu_links(settings.header_menu, request),
        "footer": _menu_links(settings.footer_menu, request),
    }
    return Shell(store_name=store_name, theme=theme, menus=menus)


def _logo(settings) -> Logo | None:
    if settings.logo_id is None:
        return None
    rendition = settings.logo.get_rendition(LOGO_FILTER)
    return Logo(url=rendition.url, width=rendition.width, height=rendition.height)


def _menu_links(menu, request) -> list[MenuLink]:
    links = []
    for item in menu:
        value = item.value
        if item.block_type == "page":
            page = value["page"]
            if page is None or not page.live:
                continue
            url = page.get_url(request=request)
            if url:
                links.append(MenuLink(label=value["label"] or page.title, url=url))
        else:
            links.append(MenuLink(label=value["label"], url=value["path"]))
    return links


def forget_shell(**kwargs) -> None:
    """Drop the current store's cached shell, now and again after the commit (a request
    between the two would otherwise cache what is about to change)."""
    key = drop_cached_shell()
    transaction.on_commit(lambda: cache.delete(key))


def drop_cached_shell() -> str:
    """Drop the current store's cached shell now; returns its key."""
    key = _shell_key()
    cache.delete(key)
    return key


def connect_signals() -> None:
    from wagtail.images import get_image_model

    from storefront_cms.models import ThemeSettings

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(forget_shell, dispatch_uid=f"storefront-shell-{id(signal)}")
    for model in (ThemeSettings, Site, get_image_model()):
        post_save.connect(forget_shell, sender=model, weak=False)
        post_delete.connect(forget_shell, sender=model, weak=False)
    post_delete.connect(forget_shell, sender=Page, weak=False)
