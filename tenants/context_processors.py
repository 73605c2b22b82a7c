from django.conf import settings


def platform(request) -> dict:
    port = f":{settings.PLATFORM_URL_PORT}" if settings.PLATFORM_URL_PORT else ""
    return {
        "platform_domain": settings.PLATFORM_DOMAIN,
        "platform_url": f"{settings.PLATFORM_URL_SCHEME}://{settings.PLATFORM_DOMAIN}{port}/",
    }
