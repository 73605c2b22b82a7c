"""Storefront set-up for a newly provisioned store."""

from django.dispatch import receiver
from wagtail.models import Page, Site

from tenants.signals import store_provisioned


@receiver(store_provisioned)
def name_storefront(sender, tenant, **kwargs) -> None:
    """Give the store's site and home page the store's name (the template's are generic).

    Plain updates, not a published revision: the page is live already and has no history yet,
    and signup stays fast.
    """
    site = Site.objects.get(is_default_site=True)
    Site.objects.filter(pk=site.pk).update(site_name=tenant.name, hostname=tenant.primary_host)
    Page.objects.filter(pk=site.root_page_id).update(title=tenant.name, draft_title=tenant.name)
