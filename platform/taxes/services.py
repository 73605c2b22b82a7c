"""Writes of the taxes: tax classes, rates and the store's tax settings.

Every refusal is a TaxesError naming its fields (shown next to them in the API and the store
admin) and changes nothing. The store always has exactly one default class: making a class the
default takes the mark from the previous one under a row lock (and a partial unique constraint
guards it); the default class is never deleted.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from taxes.countries import COMMON_MISTAKES, COUNTRY_CODES
from taxes.errors import DefaultTaxClassProtected, TaxesError
from taxes.models import RATE_MAX, ProductTaxClass, TaxClass, TaxRate, TaxSettings

NAME_MAX_LENGTH = 100
REGION_MAX_LENGTH = 3
RATE_DECIMALS = 4
TAX_CLASSES_MAX = 50
TAX_RATES_MAX = 5000
SETTINGS_FIELDS = (
    "prices_entered_with_tax",
    "rounding",
    "charge_tax_on_shipping",
    "shipping_tax_class",
    "display_prices_with_tax",
)


def _refuse(field: str, message: str, error=TaxesError):
    raise error(message, fields={field: [message]})


def _record(*, action: str, by, **details) -> None:
    """Note a member of staff's destructive change in the platform's audit log (ids only)."""
    if by is None or not getattr(by, "is_authenticated", False):
        return

    from tenants import audit

    audit.record(action=action, tenant=audit.active_store(), actor_label=by.email, **details)


# --- Classes -----------------------------------------------------------------------------------


def create_tax_class(*, name: str, is_default: bool = False, is_exempt: bool = False) -> TaxClass:
    """Add a tax class ("Reduced", "Zero"). ``is_default``: it becomes the store's default
    (the previous default stops being it). Refused: an empty or taken name (case ignored),
    more than TAX_CLASSES_MAX classes."""
    name = _class_name(name)
    with transaction.atomic():
        if TaxClass.objects.count() >= TAX_CLASSES_MAX:
            _refuse("name", f"A store has at most {TAX_CLASSES_MAX} tax classes.")
        _name_is_free(name)
        if is_default:
            _drop_default_mark()
        tax_class = _saved(TaxClass(name=name, is_default=is_default, is_exempt=bool(is_exempt)))
    return tax_class


def update_tax_class(*, tax_class: TaxClass, data: dict) -> TaxClass:
    """Rename a class, make it the default, or make it exempt. Refused: a taken name; taking
    the default mark off the default class (make another class the default instead, 409);
    an exempt class that still has rates (they would never apply)."""
    with transaction.atomic():
        tax_class = TaxClass.objects.select_for_update().get(pk=tax_class.pk)
        if "name" in data:
            tax_class.name = _class_name(data["name"])
            _name_is_free(tax_class.name, exclude=tax_class.pk)
        if "is_default" in data:
            wanted = bool(data["is_default"])
            if tax_class.is_default and not wanted:
                _refuse(
                    "is_default",
                    "A store always has a default tax class: make another class the default.",
                    DefaultTaxClassProtected,
                )
            if wanted and not tax_class.is_default:
                _drop_default_mark()
                tax_class.is_default = True
        if "is_exempt" in data:
            tax_class.is_exempt = bool(data["is_exempt"])
            if tax_class.is_exempt and tax_class.rates.exists():
                _refuse(
                    "is_exempt",
                    "This class has tax rates: delete them before making it exempt.",
                )
        return _saved(tax_class)


def delete_tax_class(*, tax_class: TaxClass, by=None) -> int:
    """Delete a class and its rates; its products fall back to the default class (returned:
    how many). The default class is refused (409); shipping taxed by it uses the default.
    Recorded in the audit log (the class's id) when ``by`` (a member of staff) is given."""
    with transaction.atomic():
        tax_class = TaxClass.objects.select_for_update().get(pk=tax_class.pk)
        if tax_class.is_default:
            _refuse(
                "is_default",
                "The default tax class cannot be deleted: make another class the default first.",
                DefaultTaxClassProtected,
            )
        products = tax_class.product_links.count()
        tax_class_id = tax_class.pk
        tax_class.delete()
        _record(action="taxes.class_deleted", by=by, tax_class_id=tax_class_id)
    return products


def _class_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        _refuse("name", "Enter a name, such as “Reduced”.")
    if len(name) > NAME_MAX_LENGTH:
        _refuse("name", f"Use at most {NAME_MAX_LENGTH} characters.")
    return name


def _name_is_free(name: str, *, exclude: int | None = None) -> None:
    taken = TaxClass.objects.filter(name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        _refuse("name", "A tax class of this name exists already.")


def _drop_default_mark() -> None:
    # Locked: two requests making two classes the default one after the other, not both.
    previous = list(TaxClass.objects.select_for_update().filter(is_default=True))
    for tax_class in previous:
        tax_class.is_default = False
        tax_class.save(update_fields=["is_default"])


def _saved(instance):
    """Save, a concurrent duplicate (name, default, place) answered as the checks answer it."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        text = str(error)
        if "taxes_one_default_class" in text:
            _refuse("is_default", "Another class was just made the default: try again.")
        if "taxes_rate_unique_place" in text:
            _refuse("region", "This class has a rate for this place already.")
        _refuse("name", "A tax class of this name exists already.")
    return instance


# --- Rates -------------------------------------------------------------------------------------


def create_tax_rate(
    *, tax_class: TaxClass, country: str, rate, name: str, region: str = ""
) -> TaxRate:
    """Add the rate of a class in a country, or in one region of it (which then overrides the
    country's rate there). Refused, field by field: a country that is not ISO 3166-1
    alpha-2, a region that is not an ISO 3166-2 subdivision code, a rate outside 0..100 or
    with more than four decimals, an empty name, a place the class has a rate for already, an
    exempt class."""
    fields = _rate_fields(
        {"country": country, "region": region, "rate": rate, "name": name}, tax_class=tax_class
    )
    with transaction.atomic():
        if TaxRate.objects.count() >= TAX_RATES_MAX:
            _refuse("country", f"A store has at most {TAX_RATES_MAX} tax rates.")
        _place_is_free(tax_class, fields["country"], fields["region"])
        return _saved(TaxRate(tax_class=tax_class, **fields))


def update_tax_rate(*, tax_rate: TaxRate, data: dict) -> TaxRate:
    """Change a rate's class, place, percentage or name (refused as on creation)."""
    with transaction.atomic():
        tax_rate = (
            TaxRate.objects.select_for_update().select_related("tax_class").get(pk=tax_rate.pk)
        )
        tax_class = data.get("tax_class", tax_rate.tax_class)
        current = {
            "country": tax_rate.country,
            "region": tax_rate.region,
            "rate": tax_rate.rate,
            "name": tax_rate.name,
        }
        current.update({key: value for key, value in data.items() if key in current})
        fields = _rate_fields(current, tax_class=tax_class)
        _place_is_free(tax_class, fields["country"], fields["region"], exclude=tax_rate.pk)
        tax_rate.tax_class = tax_class
        for key, value in fields.items():
            setattr(tax_rate, key, value)
        return _saved(tax_rate)


def delete_tax_rate(*, tax_rate: TaxRate, by=None) -> None:
    """Delete a rate: its place falls back to the country's rate, or the default class's.
    Recorded in the audit log (the rate's id) when ``by`` is given."""
    with transaction.atomic():
        TaxRate.objects.filter(pk=tax_rate.pk).delete()
        _record(action="taxes.rate_deleted", by=by, tax_rate_id=tax_rate.pk)


def _rate_fields(data: dict, *, tax_class: TaxClass) -> dict:
    errors: dict[str, list[str]] = {}

    def check(field, function):
        try:
            return function(data.get(field))
        except TaxesError as error:
            errors.update(error.fields)
            return None

    fields = {
        "country": check("country", country_code),
        "region": check("region", lambda value: region_code(value, country=data.get("country"))),
        "rate": check("rate", percentage),
        "name": check("name", _rate_name),
    }
    if tax_class.is_exempt:
        errors.setdefault("tax_class", ["This class is exempt from tax: it has no rates."])
    if errors:
        raise TaxesError("The tax rate has invalid fields.", fields=errors)
    return fields


def country_code(value) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased ("fr" -> "FR"), or TaxesError on ``country``."""
    code = str(value or "").strip().upper()
    if code in COMMON_MISTAKES:
        _refuse("country", f"Use {COMMON_MISTAKES[code]}, the ISO 3166-1 code, not {code}.")
    if code not in COUNTRY_CODES:
        _refuse("country", "Enter a country as its two-letter ISO 3166-1 code, such as FR or US.")
    return code


def region_code(value, *, country=None) -> str:
    """An ISO 3166-2 subdivision code's own part ("CA"; "US-CA" is read as "CA"), or "".
    A full code must be of the rate's ``country`` ("DE-BY" for a US rate is refused)."""
    code = str(value or "").strip().upper()
    if "-" in code:
        prefix, code = code.split("-", 1)
        if country is not None and prefix != str(country).strip().upper():
            _refuse("region", f"{prefix}-{code} is a region of {prefix}, not of this country.")
    if code and (len(code) > REGION_MAX_LENGTH or not (code.isascii() and code.isalnum())):
        _refuse(
            "region",
            "Enter the region's ISO 3166-2 code (up to three letters or digits, such as CA), "
            "or leave it empty for the whole country.",
        )
    return code


def percentage(value) -> Decimal:
    """A rate in percent, 0 to 100 with at most four decimals, or TaxesError on ``rate``."""
    message = "Enter a percentage from 0 to 100, with at most four decimals (such as 20 or 8.875)."
    if isinstance(value, bool) or value in (None, ""):
        _refuse("rate", message)
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        _refuse("rate", message)
    if not rate.is_finite() or rate < 0 or rate > RATE_MAX:
        _refuse("rate", message)
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_DECIMALS)):
        _refuse("rate", message)
    return rate.quantize(Decimal(1).scaleb(-RATE_DECIMALS))


def _rate_name(value) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        _refuse("name", "Enter the name shown on invoices, such as “VAT 20%”.")
    if len(name) > NAME_MAX_LENGTH:
        _refuse("name", f"Use at most {NAME_MAX_LENGTH} characters.")
    return name


def _place_is_free(tax_class, country, region, *, exclude=None) -> None:
    taken = TaxRate.objects.filter(tax_class=tax_class, country=country, region=region)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        place = f"{country}-{region}" if region else country
        _refuse("region", f"The class “{tax_class.name}” has a rate for {place} already.")


# --- Settings and products ---------------------------------------------------------------------


def update_tax_settings(*, data: dict) -> TaxSettings:
    """Change the store's tax settings (the keys of ``data`` among SETTINGS_FIELDS; a
    ``shipping_tax_class`` of None means the default class). Refused: an unknown rounding."""
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise TaxesError(
            "Unknown tax settings.", fields={name: ["Not a tax setting."] for name in unknown}
        )
    if "rounding" in data and data["rounding"] not in TaxSettings.Rounding.values:
        choices = ", ".join(TaxSettings.Rounding.values)
        _refuse("rounding", f"Use one of: {choices}.")
    with transaction.atomic():
        settings, _ = TaxSettings.objects.select_for_update().get_or_create(pk=1)
        for name, value in data.items():
            setattr(settings, name, value)
        settings.save()
    return settings


def set_product_tax_class(*, product, tax_class: TaxClass | None) -> None:
    """Put a product in a tax class; None (or the default class) puts it back in the
    default class. Idempotent."""
    with transaction.atomic():
        if tax_class is None or tax_class.is_default:
            ProductTaxClass.objects.filter(product=product).delete()
            return
        ProductTaxClass.objects.update_or_create(product=product, defaults={"tax_class": tax_class})
