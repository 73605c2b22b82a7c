"""Reads of the taxes: the store's settings, classes and rates, and the rules the calculation
(taxes.calculations) takes. Every read is a constant number of queries."""

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from money import store_currency
from taxes.calculations import Rate, TaxRules
from taxes.models import ProductTaxClass, TaxClass, TaxRate, TaxSettings

BIGINT_MAX = 9223372036854775807


def tax_settings() -> TaxSettings:
    """The store's tax settings (the defaults, unsaved, if the row is missing)."""
    found = TaxSettings.objects.select_related("shipping_tax_class").filter(pk=1).first()
    return found if found is not None else TaxSettings(pk=1)


def default_tax_class() -> TaxClass | None:
    return TaxClass.objects.filter(is_default=True).first()


def tax_class_list() -> QuerySet[TaxClass]:
    """Every class, the default first, with its numbers of rates and products."""
    return TaxClass.objects.annotate(
        rate_count=Count("rates", distinct=True),
        product_count=Count("product_links", distinct=True),
    ).order_by("-is_default", "name", "pk")


def tax_rate_list(*, tax_class_id: int | None = None, country: str = "") -> QuerySet[TaxRate]:
    """Rates by country and region, each with its class (one query), optionally filtered."""
    rates = TaxRate.objects.select_related("tax_class").order_by(
        "country", "region", "tax_class__name", "pk"
    )
    if tax_class_id is not None:
        rates = rates.filter(tax_class_id=tax_class_id)
    if country:
        rates = rates.filter(country=country.upper())
    return rates


def tax_class_by_id(pk) -> TaxClass | None:
    """The store's tax class of this id (a whole number within the column), else None."""
    if isinstance(pk, bool):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk <= BIGINT_MAX:
        return None
    return TaxClass.objects.filter(pk=pk).first()


def tax_class_ids_for_products(product_ids: Iterable[int]) -> dict[int, int]:
    """product id -> its tax class id, for the products that have one (one query); the others
    are in the default class (``None`` for the calculation)."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return {}
    return dict(
        ProductTaxClass.objects.filter(product_id__in=ids).values_list("product_id", "tax_class_id")
    )


def tax_rules(*, country: str | None = None) -> TaxRules:
    """Everything taxes.calculations needs, in three queries: the settings, the classes and
    the rates (when ``country`` is given, a checkout knowing where it ships to: that country's
    and the store's own country's, used while there is no address)."""
    from django.db import connection

    settings = TaxSettings.objects.filter(pk=1).first() or TaxSettings(pk=1)
    classes = list(TaxClass.objects.values_list("pk", "is_default", "is_exempt"))
    store = getattr(connection, "tenant", None)
    origin = (getattr(store, "country", "") or "").upper()
    rates = TaxRate.objects.all()
    if country is not None:
        rates = rates.filter(country__in={country.upper(), origin})
    return TaxRules(
        currency=store_currency(),
        prices_entered_with_tax=settings.prices_entered_with_tax,
        rounding=settings.rounding,
        charge_tax_on_shipping=settings.charge_tax_on_shipping,
        shipping_tax_class_id=settings.shipping_tax_class_id,
        default_class_id=next((pk for pk, is_default, _ in classes if is_default), None),
        exempt_class_ids=frozenset(pk for pk, _, is_exempt in classes if is_exempt),
        rates=tuple(
            Rate(tax_class_id, rate_country, region, rate, name)
            for tax_class_id, rate_country, region, rate, name in rates.values_list(
                "tax_class_id", "country", "region", "rate", "name"
            )
        ),
        origin_country=origin,
        origin_region="",
    )
