"""Input checks every API shares: text PostgreSQL can store, column bounds, slug references.

PostgreSQL text cannot hold a NUL character (``\\x00``) and an integer or numeric column has a
range: input outside either must be refused as a field error (400) before it reaches a query,
never surface as a ``DataError`` (500). DRF's ``CharField`` already refuses NUL characters;
what is not a ``CharField`` (references by slug, dict and JSON input, query parameters read by
hand, import cells) goes through the checks here, and numeric inputs take their bounds from
the model column they end up in (``column_bounds``) rather than from literals.
"""

from decimal import Decimal

from django.core.validators import ProhibitNullCharactersValidator
from django.db import connection, models
from rest_framework import serializers

import money

NULL_CHARACTER_CODE = "null_characters"


def null_character_message() -> str:
    return str(ProhibitNullCharactersValidator.message)


def has_null_character(value) -> bool:
    """Whether ``value`` (text, or JSON-like data, dict keys included) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(
            has_null_character(key) or has_null_character(item) for key, item in value.items()
        )
    if isinstance(value, list | tuple):
        return any(has_null_character(item) for item in value)
    return False


def refuse_null_characters(value) -> None:
    """A DRF validator for dict and JSON fields: keys and strings at any depth."""
    if has_null_character(value):
        raise serializers.ValidationError(null_character_message(), code=NULL_CHARACTER_CODE)


def check_query_parameters(query_params) -> None:
    """Refuse (400, one field error per parameter) a query string with a NUL in a name or value.

    For views that read parameters outside a serializer (``attr.<code>`` filters, cursors): the
    parameters a serializer reads are checked by its fields.
    """
    errors = {
        name: [null_character_message()]
        for name, values in query_params.lists()
        if has_null_character(name) or has_null_character(values)
    }
    if errors:
        raise serializers.ValidationError(errors, code=NULL_CHARACTER_CODE)


class SlugReferenceField(serializers.SlugRelatedField):
    """A reference to an object by its slug (or code): refuses what is not text, or holds a NUL
    character, with a field error before the lookup."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:
            raise serializers.ValidationError(null_character_message(), code=NULL_CHARACTER_CODE)
        return super().to_internal_value(data)


def column_bounds(model: type[models.Model], field_name: str) -> dict:
    """The bounds of a model column as serializer keyword arguments.

    Integer columns give ``min_value``/``max_value`` (the database's range, narrowed by a
    positive field); decimal columns give ``max_digits``/``decimal_places``. Combine with the
    field's own rules, e.g. ``IntegerField(**column_bounds(Variant, "stock_on_hand"))``.
    """
    field = model._meta.get_field(field_name)
    if isinstance(field, models.DecimalField):
        return {"max_digits": field.max_digits, "decimal_places": field.decimal_places}
    if isinstance(field, models.IntegerField):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return {"min_value": low, "max_value": high}
    raise TypeError(f"{model.__name__}.{field_name} is not an integer or decimal column.")


def decimal_fits(value: Decimal, model: type[models.Model], field_name: str) -> bool:
    """Whether a Decimal is finite and can be stored in that decimal column without rounding."""
    bounds = column_bounds(model, field_name)
    if not value.is_finite():
        return False
    whole_digits = bounds["max_digits"] - bounds["decimal_places"]
    if abs(value) >= Decimal(10) ** whole_digits:
        return False
    # Count decimals from the digits, never by quantizing or normalizing: ``1E-999`` would
    # overflow the context, and normalizing rounds past 28 digits.
    _, digits, exponent = value.as_tuple()
    while exponent < 0 and digits and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    return exponent >= -bounds["decimal_places"]


def integer_fits(value: int, model: type[models.Model], field_name: str) -> bool:
    """Whether an int can be stored in that integer column."""
    bounds = column_bounds(model, field_name)
    return bounds["min_value"] <= value <= bounds["max_value"]


class StoreAmountField(serializers.DecimalField):
    """An amount in the store's currency (money.store_currency), bounded by its column.

    Read: written with the currency's decimals (``"1200"`` in a JPY store, ``"12.50"`` in a
    USD one). Write: refuses more decimals than the currency has (12.5 in a JPY store).
    """

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        currency = money.store_currency()
        if value is not None and not money.fits_currency(value, currency):
            raise serializers.ValidationError(money.precision_message(currency), code="precision")
        return value

    def to_representation(self, value):
        if value is None:
            return None
        return str(money.quantize(value, money.store_currency()))


class StoreCurrencyField(serializers.CharField):
    """The store's currency (ISO 4217), answered beside amounts that have none of their own.

    Optional in a write, where it must be the store's: a client that assumed another currency
    is told so rather than having its amounts taken in the store's.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("help_text", "The store's currency (ISO 4217), e.g. USD.")
        super().__init__(source="*", **kwargs)

    def to_representation(self, value) -> str:
        return money.store_currency()

    def to_internal_value(self, data) -> dict:
        given = super().to_internal_value(data).strip().upper()
        currency = money.store_currency()
        if given != currency:
            raise serializers.ValidationError(
                f"This store sells in {currency}: prices are in the store's currency.",
                code="currency",
            )
        return {}
