"""Placeholder of storefront-catalog's pricing module (contract 5): at merge, theirs wins.

Only what the storefront shell needs to show featured products at the shopper's channel.
"""

from django.db import models


class Channel(models.TextChoices):
    B2C = "b2c", "Consumers"
    B2B = "b2b", "Businesses"


def channel_for(*, user, auth=None) -> Channel:
    """B2B for company buyers and API keys, B2C for everyone else."""
    from accounts.models import ApiKey
    from accounts.permissions import company_of

    if isinstance(auth, ApiKey):
        return Channel.B2B
    if user is not None and user.is_authenticated and company_of(user) is not None:
        return Channel.B2B
    return Channel.B2C
