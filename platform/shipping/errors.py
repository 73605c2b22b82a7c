"""Domain errors of shipping, mapped to the API's error shape by config.api_errors."""

from rest_framework import status

from config.api_errors import DomainError


class ShippingError(DomainError):
    """A zone, delivery option or band was refused: ``fields`` says which and why."""

    code = "invalid"


class DeliveryOptionUnavailable(DomainError):
    """The chosen delivery option is not offered for this address and parcel (any more)."""

    code = "delivery_option_unavailable"


class TrackingUnavailable(DomainError):
    """The provider cannot track parcels (table rates have no carrier behind them)."""

    status_code = status.HTTP_409_CONFLICT
    code = "tracking_unavailable"
