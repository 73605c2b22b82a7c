"""Template tags of the store admin's own templates (tenants/templates/wagtailadmin/)."""

from django import template

from tenants.store_admin.branding import StoreBranding, branding_for, served_store_name

register = template.Library()


@register.simple_tag(takes_context=True)
def store_branding(context):
    """``{% store_branding as branding %}``: the store's name and logo for the admin.

    Wagtail renders some panels without the request in their context: the connection's
    store (the request's, set by the routing middleware) names them.
    """
    request = context.get("request")
    if request is None:
        return StoreBranding(name=served_store_name())
    return branding_for(request)
