"""OpenAPI (drf-spectacular) hooks."""


def only_mercato_api(endpoints):
    """Document the /api/ routes only, not the internal endpoints of the Wagtail admin."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
