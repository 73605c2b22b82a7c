"""Domain errors of the wishlists, mapped to the API's error shape by config.api_errors."""

from config.api_errors import DomainError


class WishlistError(DomainError):
    code = "invalid"


class WishlistLimitReached(WishlistError):
    code = "limit_reached"
