"""Domain errors of the taxes, mapped to the API's error shape by config.api_errors."""

from rest_framework import status

from config.api_errors import DomainError


class TaxesError(DomainError):
    """A tax class, rate or setting refused (the reasons in ``fields``)."""

    code = "invalid"


class DefaultTaxClassProtected(DomainError):
    """The store's default tax class cannot be deleted nor stop being the default by itself:
    another class is made the default instead."""

    status_code = status.HTTP_409_CONFLICT
    code = "default_tax_class"
