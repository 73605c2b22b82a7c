"""The cart's domain errors: the API maps them to its one error shape (config.api_errors)."""

from rest_framework import status

from config.api_errors import DomainError


class CartError(DomainError):
    """A cart rule refused the change (400); ``fields`` says why per input field, e.g.
    ``{"quantity": ["Only 2 left."]}`` or ``{"variant": ["Unknown variant."]}``. The cart is
    unchanged."""

    code = "invalid"


class CartNotFound(DomainError):
    """The cart token sent (``X-Cart-Token``) names no open cart of this store."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "cart_not_found"


class CartLineNotFound(DomainError):
    """The variant named in the URL has no line in the cart."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
