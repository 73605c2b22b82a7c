from django.conf import settings

from tenants.models import platform_url


def platform(request) -> dict:
    return {"platform_domain": settings.PLATFORM_DOMAIN, "platform_url": platform_url()}
