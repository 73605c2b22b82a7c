"""What a buyer pays: the sales channel of a buyer (and, later, ``price_for``).

A store sells on two channels: consumers (B2C) and businesses (B2B, with their own list
prices and products). The API, the search and the storefront all ask this module which one a
buyer is on, so they never disagree.
"""

from django.db import models


class Channel(models.TextChoices):
    B2C = "b2c", "Consumers (B2C)"
    B2B = "b2b", "Businesses (B2B)"


def channel_for(*, user, auth=None) -> Channel:
    """B2B for a member of a company and for an API key (a company's or the store's own
    integration), B2C for everyone else, anonymous visitors included."""
    from accounts.models import ApiKey
    from accounts.permissions import company_of

    if isinstance(auth, ApiKey):
        return Channel.B2B
    if user is not None and user.is_authenticated and company_of(user) is not None:
        return Channel.B2B
    return Channel.B2C
