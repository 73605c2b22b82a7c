"""Tax and VAT identifiers checked for format (and check digits) with python-stdnum.

An EU member state's VAT number is checked by ``stdnum.eu.vat`` and kept with its country
prefix ("DE136695976"), as VIES and invoices show it; another country's by stdnum's module
for that country's VAT (``gb.vat``, ``ch.vat``, ``no.mva``...), else its tax number
(``tin``/``ein``...) where stdnum has one. A country stdnum knows nothing of is accepted as
typed: the format cannot be checked there, and refusing would lock those businesses out.
No number is looked up online (VIES): that is the staff's call at approval.
"""

from __future__ import annotations

import stdnum
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

MAX_LENGTH = 32  # accounts.Company.vat_number
# Greece's VAT prefix is EL, not its ISO code GR.
_VAT_PREFIX = {"GR": "EL"}
_OTHER_MODULES = ("vat", "tin", "ein", "abn", "gst", "bn", "rfc", "cnpj", "cuit", "nit")


class TaxIdInvalid(Exception):
    """The message to show next to the field."""


def normalise_tax_id(number: str, *, country: str) -> str:
    """``number`` cleaned for ``country`` (ISO 3166-1 alpha-2), or TaxIdInvalid."""
    number = (number or "").strip()
    country = (country or "").strip().upper()
    if not number:
        raise TaxIdInvalid("Enter the company's tax or VAT number.")
    if len(number) > MAX_LENGTH:
        raise TaxIdInvalid(f"Use at most {MAX_LENGTH} characters.")
    prefix = _VAT_PREFIX.get(country, country)
    if country.lower() in eu_vat.MEMBER_STATES or country == "XI":
        return _eu_vat(number, prefix)
    module = _module_for(country)
    if module is None:
        return number
    try:
        return module.compact(module.validate(number))
    except StdnumError:
        raise TaxIdInvalid(
            f"This is not a valid tax number for {country}: check it on your registration."
        ) from None


def _eu_vat(number: str, prefix: str) -> str:
    compact = "".join(ch for ch in number.upper() if ch.isalnum())
    if not compact[:2].isalpha():
        compact = prefix + compact
    elif compact[:2] != prefix:
        raise TaxIdInvalid(
            f"This VAT number is of another country ({compact[:2]}): give the number for {prefix}."
        )
    try:
        valid = eu_vat.validate(compact)
    except StdnumError:
        raise TaxIdInvalid(
            f"This is not a valid {prefix} VAT number: check its digits (e.g. {prefix} followed "
            "by the number on your VAT registration)."
        ) from None
    return valid if valid[:2].isalpha() else prefix + valid


def _module_for(country: str):
    if len(country) != 2 or not country.isalpha():
        return None
    for name in _OTHER_MODULES:
        try:
            module = stdnum.get_cc_module(country.lower(), name)
        except (ImportError, ValueError):
            module = None
        if module is not None:
            return module
    return None
