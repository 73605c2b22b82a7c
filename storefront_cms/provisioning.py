"""Storefront set-up for a newly provisioned store."""

from django.db import connection
from django.dispatch import receiver
from wagtail.models import Page, Site

from storefront_cms.shell import drop_cached_shell
from tenants.signals import store_provisioned

# The hero heading of the template's home page (migration 0004); a new store's names the store.
STARTER_HERO_HEADING = "Welcome to our shop"


@receiver(store_provisioned)
def name_storefront(sender, tenant, **kwargs) -> None:
    """Give the store's site, home page and its starter hero the store's name (the template's
    are generic).

    Plain updates, not a published revision: the page is live already and has no history yet,
    and signup stays fast (three single-row updates; the content pages, theme and menus come
    with the template).
    """
    site = Site.objects.get(is_default_site=True)
    Site.objects.filter(pk=site.pk).update(site_name=tenant.name, hostname=tenant.primary_host)
    Page.objects.filter(pk=site.root_page_id).update(title=tenant.name, draft_title=tenant.name)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE storefront_cms_homepage "
            "SET body = jsonb_set(body, '{0,value,heading}', to_jsonb(%s::text)) "
            "WHERE page_ptr_id = %s AND body->0->>'type' = 'hero' "
            "AND body->0->'value'->>'heading' = %s",
            [f"Welcome to {tenant.name}", site.root_page_id, STARTER_HERO_HEADING],
        )
    # A schema name can come back (a store deleted and purged, its subdomain taken again):
    # never show the old store's cached name and theme.
    drop_cached_shell()
