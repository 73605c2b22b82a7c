"""Checkout's domain errors, answered in the API's one error shape (config.api_errors)."""

from rest_framework import status

from config.api_errors import DomainError


class CheckoutError(DomainError):
    """A field of the checkout was refused (400); ``fields`` says which and why. Nothing was
    changed."""

    code = "invalid"


class AddressInvalid(CheckoutError):
    """An address failed its country's rules: ``fields`` per address field."""


class CartEmpty(DomainError):
    """There is nothing to check out."""

    code = "cart_empty"


class CheckoutNotFound(DomainError):
    """No checkout of this store has this token for this caller."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class CheckoutCompleted(DomainError):
    """The checkout became an order: it can no longer be changed."""

    status_code = status.HTTP_409_CONFLICT
    code = "checkout_completed"


class CheckoutIncomplete(DomainError):
    """Something the order needs is missing (email, address, delivery, payment): ``fields``
    names each."""

    code = "checkout_incomplete"
