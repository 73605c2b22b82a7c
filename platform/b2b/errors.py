"""Domain errors of the B2B app, mapped to the API's error shape by config.api_errors."""

from config.api_errors import DomainError


class PricingError(DomainError):
    """A customer group, price list, entry or volume break refused (reasons in ``fields``)."""

    code = "invalid"
