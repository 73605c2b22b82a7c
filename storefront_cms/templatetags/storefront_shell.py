"""Template tags of the storefront's shell for pages rendered outside a store's schema."""

from django import template
from django_tenants.utils import schema_context

register = template.Library()


@register.simple_tag
def cached_shell(store):
    """The store's shell if it is in the cache, else None: one Redis read, never a query (for
    the suspended store's page, answered before any request reaches the store's schema)."""
    from storefront_cms.shell import cached_store_shell

    with schema_context(store.schema_name):
        return cached_store_shell()
