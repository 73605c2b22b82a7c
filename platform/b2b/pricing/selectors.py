"""Reads of B2B pricing for staff (API and store admin): lists with what their rows show,
in a constant number of queries whatever the number of rows."""

from django.db.models import Count, Prefetch, QuerySet

from accounts.models import Company
from b2b.models import CustomerGroup, PriceList, PriceListEntry, VolumeBreak


def price_list_list() -> QuerySet[PriceList]:
    """Every price list with its companies, groups and number of entries."""
    return (
        PriceList.objects.annotate(entry_count=Count("entries", distinct=True))
        .prefetch_related(
            Prefetch("companies", queryset=Company.objects.only("id", "name").order_by("name")),
            Prefetch(
                "customer_groups",
                queryset=CustomerGroup.objects.only("id", "name").order_by("name"),
            ),
        )
        .order_by("name", "pk")
    )


def entry_list(price_list: PriceList) -> QuerySet[PriceListEntry]:
    """The entries of a price list with what names their targets."""
    return (
        PriceListEntry.objects.filter(price_list=price_list)
        .select_related("variant", "product", "category", "brand")
        .order_by("pk")
    )


def customer_group_list() -> QuerySet[CustomerGroup]:
    """Every customer group with its companies and price lists."""
    return (
        CustomerGroup.objects.prefetch_related(
            Prefetch("companies", queryset=Company.objects.only("id", "name").order_by("name")),
            Prefetch("price_lists", queryset=PriceList.objects.only("id", "name").order_by("name")),
        )
        .annotate(company_count=Count("companies", distinct=True))
        .order_by("name", "pk")
    )


def volume_break_list(*, variant_id: int | None = None) -> QuerySet[VolumeBreak]:
    """Volume breaks (of one variant when given), with their variant's SKU and list's name."""
    breaks = VolumeBreak.objects.select_related("variant", "price_list").order_by(
        "variant_id", "price_list_id", "min_quantity", "pk"
    )
    if variant_id is not None:
        breaks = breaks.filter(variant_id=variant_id)
    return breaks


def target_label(entry: PriceListEntry) -> str:
    """What an entry prices, as staff read it: ``Variant TEE-RED-M``, ``Brand Acme``."""
    target = entry.target
    thing = getattr(entry, target) if target else None
    name = getattr(thing, "sku", None) or getattr(thing, "name", "") if thing else ""
    return f"{target.capitalize()} {name}".strip()
