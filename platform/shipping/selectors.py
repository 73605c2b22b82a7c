"""Reads of shipping: the options offered for an address and a parcel, and the staff lists.

:func:`options_for` is what checkout calls: the delivery options of the one zone the address
falls in (the most specific: shipping.zones), each priced for the parcel in the store's
currency, with its delivery estimate. Three queries at most, whatever the number of zones,
options and bands.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q

import money
from shipping import zones
from shipping.errors import DeliveryOptionUnavailable
from shipping.models import DeliveryOption, DeliveryRateBand, ShippingZone

Kind = DeliveryOption.Kind


@dataclass(frozen=True)
class Destination:
    """Where a parcel goes: what of an address decides its zone. Any object with these three
    attributes will do (``accounts.Address``, a checkout's address)."""

    country: str
    region: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class Parcel:
    """What is shipped: its total weight in grams and the order subtotal it is priced on."""

    weight_grams: int
    subtotal: money.Money


@dataclass(frozen=True)
class OfferedOption:
    """A delivery option offered for one address and parcel, priced."""

    id: int
    name: str
    kind: str
    price: money.Money
    zone_id: int
    zone_name: str
    min_delivery_days: int | None
    max_delivery_days: int | None
    allows_cash_on_delivery: bool
    # The threshold above which this option is free (None: never), to tell shoppers.
    free_above: money.Money | None = None

    @property
    def is_free(self) -> bool:
        return self.price.amount == 0

    @property
    def is_pickup(self) -> bool:
        return self.kind == Kind.LOCAL_PICKUP


def zone_for(address) -> ShippingZone | None:
    """The active zone ``address`` falls in (the most specific), or None. One query."""
    country = (getattr(address, "country", "") or "").upper()
    if not country:
        return None
    candidates = ShippingZone.objects.filter(is_active=True).filter(
        Q(countries__contains=[country]) | Q(rest_of_world=True)
    )
    return zones.winning_zone(
        candidates,
        country=country,
        region=getattr(address, "region", "") or "",
        postal_code=getattr(address, "postal_code", "") or "",
    )


def options_for(*, address, parcel: Parcel) -> list[OfferedOption]:
    """The delivery options offered for ``address`` and ``parcel``, in the store's order,
    each priced: a flat rate, the band the parcel's weight or the subtotal falls in, nothing
    for free kinds or at or above an option's free threshold. An option whose bands do not
    cover the parcel is not offered. Three queries at most (zones, options, bands)."""
    currency = money.store_currency()
    if parcel.subtotal.currency != currency:
        raise ValueError(f"the parcel's subtotal is in {parcel.subtotal.currency}, not {currency}")
    zone = zone_for(address)
    return offered_in(zone=zone, parcel=parcel) if zone is not None else []


def offered_in(*, zone: ShippingZone, parcel: Parcel) -> list[OfferedOption]:
    """The active options of ``zone`` priced for ``parcel`` (two queries: options, bands)."""
    currency = money.store_currency()
    offered = []
    for option in zone.options.filter(is_active=True).prefetch_related("bands"):
        price = price_of(option, parcel)
        if price is None:
            continue
        offered.append(
            OfferedOption(
                id=option.pk,
                name=option.name,
                kind=option.kind,
                price=money.Money(price, currency),
                zone_id=zone.pk,
                zone_name=zone.name,
                min_delivery_days=option.min_delivery_days,
                max_delivery_days=option.max_delivery_days,
                allows_cash_on_delivery=option.allows_cash_on_delivery,
                free_above=(
                    money.Money(option.free_above, currency)
                    if option.free_above is not None
                    else None
                ),
            )
        )
    return offered


def chosen_option(*, address, parcel: Parcel, option_id) -> OfferedOption:
    """The option ``option_id`` as offered for ``address`` and ``parcel`` (priced now), or
    ``DeliveryOptionUnavailable`` (400 on ``delivery_option``) when it is not offered there."""
    for offered in options_for(address=address, parcel=parcel):
        if str(offered.id) == str(option_id):
            return offered
    raise DeliveryOptionUnavailable(
        "This delivery option is not offered for this address.",
        fields={"delivery_option": ["Choose one of the options offered for this address."]},
    )


def price_of(option: DeliveryOption, parcel: Parcel) -> Decimal | None:
    """What ``option`` costs for ``parcel`` (None: not offered for it). Reads its bands from
    the prefetched ``option.bands``."""
    subtotal = parcel.subtotal.amount
    if option.kind in DeliveryOption.FREE_KINDS:
        return Decimal(0)
    if option.kind == Kind.FLAT_RATE:
        price = option.price
    else:
        measure = Decimal(parcel.weight_grams) if option.kind == Kind.WEIGHT_BANDS else subtotal
        band = _band_for(option.bands.all(), measure)
        if band is None:
            return None
        price = band.price
    if option.free_above is not None and subtotal >= option.free_above:
        return Decimal(0)
    return price


def _band_for(bands, measure: Decimal) -> DeliveryRateBand | None:
    for band in bands:
        if band.from_value <= measure and (band.to_value is None or measure < band.to_value):
            return band
    return None


# --- Staff -------------------------------------------------------------------------------------


def _options_with_bands():
    return DeliveryOption.objects.prefetch_related("bands").order_by("position", "id")


def zone_list():
    """Every zone with its options and their bands (three queries for any number)."""
    return ShippingZone.objects.prefetch_related(
        Prefetch("options", queryset=_options_with_bands())
    ).order_by("position", "id")


def option_list(*, zone: ShippingZone):
    """The options of ``zone`` with their bands (two queries)."""
    return _options_with_bands().filter(zone=zone)


def delivery_is_set_up() -> bool:
    """Whether shoppers can be offered delivery: an active zone with an active option."""
    return DeliveryOption.objects.filter(is_active=True, zone__is_active=True).exists()
