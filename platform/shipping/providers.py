"""Shipping providers: the interface every source of delivery rates and tracking implements.

The store's own table rates (zones and delivery options, :class:`TableRateProvider`) are the
first implementation; carriers (EasyPost, Shippo...) come later as one adapter module each
(``shipping/carriers/<name>.py``, the only module importing that carrier's SDK), registered
here with :func:`register`. Checkout asks every registered provider for rates
(:func:`rates_for`) and a fulfilment asks its provider to track a parcel.

The contract::

    provider.code                           # "table", "easypost": stable, stored with a rate
    provider.rates(shipment) -> list[Rate]  # what each offered service costs, cheapest or not
    provider.track(tracking_number) -> TrackingStatus

A provider raises ``TrackingUnavailable`` (409) when it cannot track, and answers ``[]`` when
it does not deliver a shipment (never an error: another provider may).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from django.db import models

import money
from shipping import selectors
from shipping.errors import TrackingUnavailable
from shipping.selectors import Destination, Parcel


@dataclass(frozen=True)
class Shipment:
    """What a provider is asked to price: where to, and the parcel."""

    destination: Destination
    parcel: Parcel


@dataclass(frozen=True)
class Rate:
    """One way to deliver a shipment, priced. ``service`` identifies it at its provider (the
    delivery option's id for table rates); ``provider`` + ``service`` is what an order keeps."""

    provider: str
    service: str
    name: str
    price: money.Money
    min_delivery_days: int | None = None
    max_delivery_days: int | None = None
    allows_cash_on_delivery: bool = False
    is_pickup: bool = False


class TrackingState(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    PRE_TRANSIT = "pre_transit", "Label created"
    IN_TRANSIT = "in_transit", "In transit"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Delivery failed"
    RETURNED = "returned", "Returned to sender"


@dataclass(frozen=True)
class TrackingEvent:
    at: datetime
    state: str
    description: str = ""
    location: str = ""


@dataclass(frozen=True)
class TrackingStatus:
    """Where a parcel is: its latest state and the carrier's events, oldest first."""

    tracking_number: str
    state: str = TrackingState.UNKNOWN
    estimated_delivery: datetime | None = None
    events: tuple[TrackingEvent, ...] = field(default_factory=tuple)


@runtime_checkable
class ShippingProvider(Protocol):
    code: str
    name: str

    def rates(self, shipment: Shipment) -> list[Rate]: ...

    def track(self, tracking_number: str) -> TrackingStatus: ...


class TableRateProvider:
    """The store's own zones and delivery options (shipping.selectors.options_for)."""

    code = "table"
    name = "Store rates"

    def rates(self, shipment: Shipment) -> list[Rate]:
        return [
            Rate(
                provider=self.code,
                service=str(offered.id),
                name=offered.name,
                price=offered.price,
                min_delivery_days=offered.min_delivery_days,
                max_delivery_days=offered.max_delivery_days,
                allows_cash_on_delivery=offered.allows_cash_on_delivery,
                is_pickup=offered.is_pickup,
            )
            for offered in selectors.options_for(
                address=shipment.destination, parcel=shipment.parcel
            )
        ]

    def track(self, tracking_number: str) -> TrackingStatus:
        raise TrackingUnavailable(
            "The store's own rates have no carrier to track a parcel with: enter the "
            "carrier's tracking link on the fulfilment."
        )


# --- Registry ----------------------------------------------------------------------------------

_PROVIDERS: dict[str, ShippingProvider] = {}


def register(provider: ShippingProvider) -> ShippingProvider:
    """Make ``provider`` available under its ``code`` (a later one replaces an earlier one)."""
    if not isinstance(provider, ShippingProvider):
        raise TypeError(f"{provider!r} does not implement ShippingProvider")
    _PROVIDERS[provider.code] = provider
    return provider


def get_provider(code: str) -> ShippingProvider:
    """The provider registered under ``code`` (KeyError for an unknown one)."""
    return _PROVIDERS[code]


def registered_providers() -> list[ShippingProvider]:
    return list(_PROVIDERS.values())


def rates_for(shipment: Shipment) -> list[Rate]:
    """Every registered provider's rates for ``shipment``, providers in registration order."""
    rates: list[Rate] = []
    for provider in registered_providers():
        rates.extend(provider.rates(shipment))
    return rates


register(TableRateProvider())
