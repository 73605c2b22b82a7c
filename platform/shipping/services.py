"""Writes of shipping: zones, their delivery options and the options' rate bands.

Every function validates the whole object it leaves behind (a partial change is checked
merged with what is stored) and refuses with a ``ShippingError`` whose ``fields`` name what
is wrong, writing nothing. Prices are in the store's currency and must fit it (no cents in a
yen store); every number is bounded by its column. An option's bands are replaced as a whole.
"""

from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django.db import connection, transaction
from django.db.models import Max
from django_countries import countries as known_countries

import money
from config.api_input import decimal_fits, integer_fits
from shipping import zones
from shipping.errors import ShippingError
from shipping.models import MAX_DELIVERY_DAYS, DeliveryOption, DeliveryRateBand, ShippingZone
from tenants import audit

# Bounds of what a store may configure (a zone lists at most every country there is).
MAX_ZONES = 500
MAX_OPTIONS_PER_ZONE = 50
MAX_BANDS_PER_OPTION = 50
MAX_REGIONS_PER_ZONE = 200
MAX_POSTCODES_PER_ZONE = 1000
MAX_COUNTRIES_PER_ZONE = 300

Kind = DeliveryOption.Kind

ZONE_FIELDS = (
    "name",
    "countries",
    "rest_of_world",
    "regions",
    "postcodes",
    "position",
    "is_active",
)
OPTION_FIELDS = (
    "name",
    "kind",
    "price",
    "free_above",
    "min_delivery_days",
    "max_delivery_days",
    "allows_cash_on_delivery",
    "position",
    "is_active",
)


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self, message: str) -> None:
        if self:
            raise ShippingError(message, fields=dict(self))


# --- Zones -------------------------------------------------------------------------------------


def create_zone(
    *,
    name: str,
    countries=(),
    rest_of_world: bool = False,
    regions=(),
    postcodes=(),
    position: int | None = None,
    is_active: bool = True,
) -> ShippingZone:
    """A new zone, placed last unless ``position`` is given. Refused past MAX_ZONES."""
    values = {
        "name": name,
        "countries": countries,
        "rest_of_world": rest_of_world,
        "regions": regions,
        "postcodes": postcodes,
        "position": position,
        "is_active": is_active,
    }
    with transaction.atomic():
        if ShippingZone.objects.count() >= MAX_ZONES:
            raise ShippingError(
                f"A store has at most {MAX_ZONES} shipping zones.",
                fields={"name": [f"A store has at most {MAX_ZONES} shipping zones."]},
            )
        cleaned = _clean_zone(values)
        if cleaned["position"] is None:
            cleaned["position"] = _next_position(ShippingZone.objects.all())
        return ShippingZone.objects.create(**cleaned)


def update_zone(*, zone: ShippingZone, data: dict) -> ShippingZone:
    """Change ``zone`` with ``data`` (any of ZONE_FIELDS), checked as a whole, under its lock."""
    with transaction.atomic():
        locked = ShippingZone.objects.select_for_update().get(pk=zone.pk)
        values = {field: getattr(locked, field) for field in ZONE_FIELDS}
        values.update({key: value for key, value in data.items() if key in ZONE_FIELDS})
        cleaned = _clean_zone(values)
        if cleaned["position"] is None:
            cleaned["position"] = locked.position
        for field, value in cleaned.items():
            setattr(locked, field, value)
        locked.save()
        return locked


def delete_zone(*, zone: ShippingZone, actor_label: str = "") -> None:
    """Delete ``zone`` with its delivery options and their bands; audited (ids only)."""
    with transaction.atomic():
        ShippingZone.objects.filter(pk=zone.pk).delete()
        _audit("shipping.zone_deleted", actor_label, zone_id=zone.pk)


def _clean_zone(values: dict) -> dict:
    errors = _Errors()
    name = _clean_name(values.get("name"), errors)
    rest_of_world = bool(values.get("rest_of_world"))
    countries = _clean_countries(values.get("countries") or [], errors)
    regions = _clean_texts(
        values.get("regions") or [],
        field="regions",
        max_length=ShippingZone._meta.get_field("regions").base_field.max_length,
        max_count=MAX_REGIONS_PER_ZONE,
        errors=errors,
    )
    postcodes = _clean_postcodes(values.get("postcodes") or [], errors)
    if rest_of_world:
        for field, listed in (("countries", countries), ("regions", regions)):
            if listed:
                errors.add(field, "The rest of the world zone lists no countries or regions.")
        if postcodes:
            errors.add("postcodes", "The rest of the world zone lists no postcodes.")
    elif not countries and "countries" not in errors:
        errors.add("countries", "Choose at least one country.")
    position = _clean_position(values.get("position"), errors, model=ShippingZone)
    errors.raise_if_any("The shipping zone has invalid fields.")
    return {
        "name": name,
        "countries": countries,
        "rest_of_world": rest_of_world,
        "regions": regions,
        "postcodes": postcodes,
        "position": position,
        "is_active": bool(values.get("is_active", True)),
    }


def _clean_name(value, errors: _Errors) -> str:
    name = " ".join(str(value or "").split())
    max_length = ShippingZone._meta.get_field("name").max_length
    if not name:
        errors.add("name", "Give it a name.")
    elif len(name) > max_length or "\x00" in name:
        errors.add("name", f"Use at most {max_length} characters, and no control characters.")
    return name


def _clean_countries(values, errors: _Errors) -> list[str]:
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    cleaned: list[str] = []
    for value in values:
        code = str(value or "").strip().upper()
        if not code:
            continue
        if code not in known_countries:
            errors.add("countries", f"“{str(value)[:10]}” is no country code (ISO 3166-1).")
        elif code not in cleaned:
            cleaned.append(code)
    if len(cleaned) > MAX_COUNTRIES_PER_ZONE:
        errors.add("countries", f"A zone lists at most {MAX_COUNTRIES_PER_ZONE} countries.")
    return cleaned


def _clean_texts(values, *, field: str, max_length: int, max_count: int, errors) -> list[str]:
    cleaned: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = " ".join(str(value or "").split())
        if not text:
            continue
        if len(text) > max_length or "\x00" in text:
            errors.add(field, f"“{text[:20]}…” is longer than {max_length} characters.")
            continue
        if text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    if len(cleaned) > max_count:
        errors.add(field, f"A zone lists at most {max_count} of them.")
    return cleaned


def _clean_postcodes(values, errors: _Errors) -> list[str]:
    max_length = ShippingZone._meta.get_field("postcodes").base_field.max_length
    cleaned: list[str] = []
    for value in values:
        text = str(value or "").strip()
        if not text:
            continue
        if len(text) > max_length or "\x00" in text:
            errors.add("postcodes", f"“{text[:20]}…” is longer than {max_length} characters.")
            continue
        try:
            pattern = zones.parse_postcode_pattern(text)
        except ValueError as refused:
            errors.add("postcodes", str(refused))
            continue
        if pattern.text not in cleaned:
            cleaned.append(pattern.text)
    if len(cleaned) > MAX_POSTCODES_PER_ZONE:
        errors.add("postcodes", f"A zone lists at most {MAX_POSTCODES_PER_ZONE} postcode patterns.")
    return cleaned


def _clean_position(value, errors: _Errors, *, model) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors.add("position", "Give a whole number, 0 or more.")
        return None
    if not integer_fits(value, model, "position"):
        errors.add("position", "That position is too large.")
        return None
    return value


def _next_position(queryset) -> int:
    highest = queryset.aggregate(highest=Max("position"))["highest"]
    if highest is None:
        return 0
    return highest + 1 if integer_fits(highest + 1, ShippingZone, "position") else highest


# --- Delivery options --------------------------------------------------------------------------


def create_option(*, zone: ShippingZone, data: dict, bands=None) -> DeliveryOption:
    """A new delivery option of ``zone`` (with its ``bands`` for a banded kind), placed last
    unless a position is given. Takes the zone's lock; refused past MAX_OPTIONS_PER_ZONE."""
    with transaction.atomic():
        locked_zone = ShippingZone.objects.select_for_update().get(pk=zone.pk)
        if locked_zone.options.count() >= MAX_OPTIONS_PER_ZONE:
            message = f"A zone has at most {MAX_OPTIONS_PER_ZONE} delivery options."
            raise ShippingError(message, fields={"name": [message]})
        values = {"kind": Kind.FLAT_RATE, "price": Decimal(0), "is_active": True}
        values.update({key: value for key, value in data.items() if key in OPTION_FIELDS})
        cleaned, cleaned_bands = _clean_option(values, list(bands or []))
        if cleaned["position"] is None:
            cleaned["position"] = _next_position(locked_zone.options.all())
        option = DeliveryOption.objects.create(zone=locked_zone, **cleaned)
        _write_bands(option, cleaned_bands)
        return option


def update_option(*, option: DeliveryOption, data: dict, bands=None) -> DeliveryOption:
    """Change ``option`` with ``data``; ``bands`` (a list) replaces its bands, None keeps
    them. Checked as a whole under the option's lock."""
    with transaction.atomic():
        locked = DeliveryOption.objects.select_for_update().get(pk=option.pk)
        values = {field: getattr(locked, field) for field in OPTION_FIELDS}
        values.update({key: value for key, value in data.items() if key in OPTION_FIELDS})
        current_bands = [
            {"from_value": band.from_value, "to_value": band.to_value, "price": band.price}
            for band in locked.bands.all()
        ]
        cleaned, cleaned_bands = _clean_option(
            values, current_bands if bands is None else list(bands)
        )
        if cleaned["position"] is None:
            cleaned["position"] = locked.position
        for field, value in cleaned.items():
            setattr(locked, field, value)
        locked.save()
        if bands is not None:
            locked.bands.all().delete()
            _write_bands(locked, cleaned_bands)
        return locked


def delete_option(*, option: DeliveryOption, actor_label: str = "") -> None:
    """Delete ``option`` and its bands; audited (ids only)."""
    with transaction.atomic():
        DeliveryOption.objects.filter(pk=option.pk).delete()
        _audit("shipping.option_deleted", actor_label, option_id=option.pk, zone_id=option.zone_id)


def _audit(action: str, actor_label: str, **ids) -> None:
    audit.record(action=action, tenant=connection.tenant, actor_label=actor_label or "api", **ids)


def _write_bands(option: DeliveryOption, bands: list[dict]) -> None:
    DeliveryRateBand.objects.bulk_create(DeliveryRateBand(option=option, **band) for band in bands)


def _clean_option(values: dict, bands: list[dict]) -> tuple[dict, list[dict]]:
    errors = _Errors()
    currency = money.store_currency()
    kind = values.get("kind")
    if kind not in Kind.values:
        errors.add("kind", f"Choose one of: {', '.join(Kind.values)}.")
    name = _clean_name(values.get("name"), errors)
    price = _clean_amount(values.get("price"), "price", errors, currency=currency)
    free_above = _clean_amount(
        values.get("free_above"), "free_above", errors, currency=currency, optional=True
    )
    if kind in DeliveryOption.FREE_KINDS:
        label = "Local pickup" if kind == Kind.LOCAL_PICKUP else "Free delivery"
        if price:
            errors.add("price", f"{label} is free: leave the price at 0.")
        if free_above is not None:
            errors.add("free_above", f"{label} is always free: leave the threshold empty.")
    elif kind in DeliveryOption.BANDED_KINDS and price:
        errors.add("price", "The bands carry the prices: leave the option's price at 0.")
    min_days = _clean_days(values.get("min_delivery_days"), "min_delivery_days", errors)
    max_days = _clean_days(values.get("max_delivery_days"), "max_delivery_days", errors)
    if min_days is not None and max_days is not None and min_days > max_days:
        errors.add("max_delivery_days", "The latest day comes on or after the earliest.")
    position = _clean_position(values.get("position"), errors, model=DeliveryOption)
    cleaned_bands = _clean_bands(kind, bands, errors, currency=currency)
    errors.raise_if_any("The delivery option has invalid fields.")
    cleaned = {
        "name": name,
        "kind": kind,
        "price": price or Decimal(0),
        "free_above": free_above,
        "min_delivery_days": min_days,
        "max_delivery_days": max_days,
        "allows_cash_on_delivery": bool(values.get("allows_cash_on_delivery")),
        "position": position,
        "is_active": bool(values.get("is_active", True)),
    }
    return cleaned, cleaned_bands


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _clean_amount(value, field, errors, *, currency: str, optional=False, model=DeliveryOption):
    if value is None or value == "":
        if not optional:
            errors.add(field, "Give an amount, 0 or more.")
        return None
    amount = _decimal(value)
    if amount is None or not amount.is_finite() or amount < 0:
        errors.add(field, "Give an amount, 0 or more.")
        return None
    if _too_large(amount, model, field):
        errors.add(field, "That amount is too large.")
        return None
    if not money.fits_currency(amount, currency) or not decimal_fits(amount, model, field):
        places = money.minor_units(currency)
        errors.add(field, f"Prices in {currency} have {places} decimals at most.")
        return None
    return money.quantize(amount, currency)


def _too_large(amount: Decimal, model, field: str) -> bool:
    column = model._meta.get_field(field)
    return abs(amount) >= Decimal(10) ** (column.max_digits - column.decimal_places)


def _clean_days(value, field: str, errors: _Errors) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DELIVERY_DAYS:
        errors.add(field, f"Give a number of days from 0 to {MAX_DELIVERY_DAYS}.")
        return None
    return value


def _clean_bands(kind, bands: list[dict], errors: _Errors, *, currency: str) -> list[dict]:
    """The bands sorted, contiguous and non-overlapping, each bounded and priced."""
    if kind not in DeliveryOption.BANDED_KINDS:
        if bands:
            errors.add("bands", "Only options by weight or by order value have bands.")
        return []
    if not bands:
        errors.add("bands", "Give at least one band.")
        return []
    if len(bands) > MAX_BANDS_PER_OPTION:
        errors.add("bands", f"An option has at most {MAX_BANDS_PER_OPTION} bands.")
        return []
    by_weight = kind == Kind.WEIGHT_BANDS
    cleaned: list[dict] = []
    for number, band in enumerate(bands, start=1):
        band_errors = _Errors()
        bound = _band_bound_cleaner(by_weight, currency, band_errors)
        lower = bound(band.get("from_value"), "from")
        upper = bound(band.get("to_value"), "to", optional=True)
        price = _clean_amount(
            band.get("price"), "price", band_errors, currency=currency, model=DeliveryRateBand
        )
        if lower is not None and upper is not None and upper <= lower:
            band_errors.add("to", "it ends above where it starts")
        for field, messages in band_errors.items():
            for message in messages:
                errors.add("bands", f"Band {number}, {field}: {message}")
        if not band_errors:
            cleaned.append({"from_value": lower, "to_value": upper, "price": price})
    if "bands" in errors:
        return []
    cleaned.sort(key=lambda band: band["from_value"])
    unit = "g" if by_weight else f" {currency}"
    for previous, band in pairwise(cleaned):
        if previous["to_value"] is None or previous["to_value"] > band["from_value"]:
            errors.add(
                "bands",
                f"The band from {_plain(previous['from_value'])}{unit} overlaps the band from "
                f"{_plain(band['from_value'])}{unit}: bands may not overlap.",
            )
        elif previous["to_value"] < band["from_value"]:
            errors.add(
                "bands",
                f"Nothing covers {_plain(previous['to_value'])}{unit} to "
                f"{_plain(band['from_value'])}{unit}: bands follow each other without gaps.",
            )
    return cleaned


def _band_bound_cleaner(by_weight: bool, currency: str, errors: _Errors):
    def clean(value, field: str, optional: bool = False):
        if value is None or value == "":
            if not optional:
                errors.add(field, "give where it starts")
            return None
        amount = _decimal(value)
        if amount is None or not amount.is_finite() or amount < 0:
            errors.add(field, "give a number, 0 or more")
            return None
        if _too_large(amount, DeliveryRateBand, "from_value"):
            errors.add(field, "that number is too large")
            return None
        if by_weight and amount != amount.to_integral_value():
            errors.add(field, "give whole grams")
            return None
        if not by_weight and not (
            money.fits_currency(amount, currency)
            and decimal_fits(amount, DeliveryRateBand, "from_value")
        ):
            errors.add(field, f"amounts in {currency} have {money.minor_units(currency)} decimals")
            return None
        return amount if by_weight else money.quantize(amount, currency)

    return clean


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
