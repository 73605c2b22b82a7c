"""Storefront set-up for a newly provisioned store."""

from django.dispatch import receiver
from wagtail.models import Site

from storefront_cms.models import HomePage
from tenants.signals import store_provisioned


@receiver(store_provisioned)
def name_storefront(sender, tenant, **kwargs) -> None:
    """Give the store's site and home page the store's name (the template's are generic)."""
    site = Site.objects.select_related("root_page").get(is_default_site=True)
    site.site_name = tenant.name
    site.hostname = tenant.primary_host
    site.save(update_fields=["site_name", "hostname"])
    home = HomePage.objects.get(pk=site.root_page_id)
    home.title = tenant.name
    home.save_revision().publish()
