"""Money: ``Decimal`` amounts with an explicit currency, rounded in one place.

A store sells in one currency (``Tenant.currency``). Every amount the platform computes — a
line total, a tax, a refund, a Stripe amount — goes through :func:`quantize`, which knows each
currency's minor units from ISO 4217 (JPY has none, USD two). Conversions to and from minor
units (what payment providers exchange) live here too. Nothing else rounds money.

Three-decimal currencies (BHD, KWD, OMR ...) are known to the conversions, which providers may
answer in, but are not offered as a store currency: prices are stored with two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DEFAULT_CURRENCY = "USD"

# ISO 4217 minor units of the currencies a store may sell in (code -> (exponent, name, symbol)).
# Symbols are shown before the amount; a currency without its own symbol shows its code.
CURRENCIES: dict[str, tuple[int, str, str]] = {
    "AED": (2, "UAE dirham", "AED "),
    "ARS": (2, "Argentine peso", "ARS "),
    "AUD": (2, "Australian dollar", "A$"),
    "BRL": (2, "Brazilian real", "R$"),
    "CAD": (2, "Canadian dollar", "CA$"),
    "CHF": (2, "Swiss franc", "CHF "),
    "CLP": (0, "Chilean peso", "CLP "),
    "CNY": (2, "Chinese yuan", "CN¥"),
    "COP": (2, "Colombian peso", "COP "),
    "CZK": (2, "Czech koruna", "CZK "),
    "DKK": (2, "Danish krone", "DKK "),
    "EUR": (2, "Euro", "€"),
    "GBP": (2, "Pound sterling", "£"),
    "HKD": (2, "Hong Kong dollar", "HK$"),
    "HUF": (2, "Hungarian forint", "HUF "),
    "IDR": (2, "Indonesian rupiah", "IDR "),
    "ILS": (2, "Israeli new shekel", "₪"),
    "INR": (2, "Indian rupee", "₹"),
    "ISK": (0, "Icelandic króna", "ISK "),
    "JPY": (0, "Japanese yen", "¥"),
    "KRW": (0, "South Korean won", "₩"),
    "MXN": (2, "Mexican peso", "MX$"),
    "MYR": (2, "Malaysian ringgit", "RM"),
    "NGN": (2, "Nigerian naira", "₦"),
    "NOK": (2, "Norwegian krone", "NOK "),
    "NZD": (2, "New Zealand dollar", "NZ$"),
    "PHP": (2, "Philippine peso", "₱"),
    "PLN": (2, "Polish złoty", "PLN "),
    "RON": (2, "Romanian leu", "RON "),
    "SAR": (2, "Saudi riyal", "SAR "),
    "SEK": (2, "Swedish krona", "SEK "),
    "SGD": (2, "Singapore dollar", "S$"),
    "THB": (2, "Thai baht", "฿"),
    "TRY": (2, "Turkish lira", "TRY "),
    "TWD": (2, "New Taiwan dollar", "NT$"),
    "UAH": (2, "Ukrainian hryvnia", "UAH "),
    "USD": (2, "US dollar", "$"),
    "VND": (0, "Vietnamese đồng", "₫"),
    "XAF": (0, "Central African CFA franc", "FCFA "),
    "XOF": (0, "West African CFA franc", "CFA "),
    "ZAR": (2, "South African rand", "R"),
}

# Known for conversions (a provider may answer in them), never a store's currency.
_OTHER_MINOR_UNITS = {
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "BIF": 0, "DJF": 0, "GNF": 0, "KMF": 0, "MGA": 2, "PYG": 0, "RWF": 0, "UGX": 0,
    "VUV": 0, "XPF": 0,
}  # fmt: skip

CURRENCY_CHOICES = [(code, f"{code} — {name}") for code, (_, name, _) in CURRENCIES.items()]


class UnknownCurrency(ValueError):
    pass


def minor_units(currency: str) -> int:
    """ISO 4217 exponent: 2 for USD (cents), 0 for JPY, 3 for KWD."""
    code = (currency or "").upper()
    if code in CURRENCIES:
        return CURRENCIES[code][0]
    if code in _OTHER_MINOR_UNITS:
        return _OTHER_MINOR_UNITS[code]
    if len(code) == 3 and code.isalpha():
        return 2  # ISO 4217's most common exponent for a code we do not list
    raise UnknownCurrency(currency)


def quantize(amount, currency: str) -> Decimal:
    """``amount`` rounded half up to the currency's minor units: the only rounding of money."""
    exponent = minor_units(currency)
    return Decimal(amount).quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP)


def to_minor_units(amount, currency: str) -> int:
    """12.34 USD -> 1234; 1200 JPY -> 1200 (what payment providers expect)."""
    return int(quantize(amount, currency).scaleb(minor_units(currency)))


def from_minor_units(value, currency: str) -> Decimal:
    """1234 USD -> Decimal("12.34"); 1200 JPY -> Decimal("1200")."""
    return quantize(Decimal(int(value or 0)).scaleb(-minor_units(currency)), currency)


def fits_currency(amount, currency: str) -> bool:
    """Whether ``amount`` has no more decimals than the currency has (12.5 JPY does not)."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return False
    return value == quantize(value, currency)


def precision_message(currency: str) -> str:
    """What to tell someone whose amount has more decimals than ``currency`` has."""
    places = minor_units(currency)
    if places == 0:
        return f"{currency} amounts are whole numbers, without decimals (such as 1200)."
    return f"{currency} amounts have at most {places} decimals (such as 12.50)."


def format_money(amount, currency: str) -> str:
    """``$1,234.50``, ``¥1,200``, ``CHF 12.00``: the currency's minor units, its symbol first."""
    if amount in (None, ""):
        return ""
    try:
        value = quantize(Decimal(str(amount)), currency)
    except (InvalidOperation, UnknownCurrency):
        return ""
    exponent = minor_units(currency)
    symbol = CURRENCIES.get((currency or "").upper(), (0, "", f"{currency} "))[2]
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.{exponent}f}"


def store_currency() -> str:
    """The currency of the store whose schema is active (the default outside a store)."""
    from django.db import connection

    return getattr(getattr(connection, "tenant", None), "currency", None) or DEFAULT_CURRENCY


@dataclass(frozen=True)
class Money:
    """An amount and its currency, for values that travel together (totals, payments)."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        object.__setattr__(self, "amount", quantize(self.amount, self.currency))

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor) -> Money:
        return Money(self.amount * Decimal(factor), self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @property
    def minor_units(self) -> int:
        return to_minor_units(self.amount, self.currency)

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)
