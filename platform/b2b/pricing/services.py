"""Writes of B2B pricing: customer groups, price lists, their entries and volume breaks.

Every write is one transaction; every refusal is a ``PricingError`` naming its fields, and
changes nothing. A committed change bumps the catalog's version (catalog.catalog_version):
the cached catalog answers, whose prices it may change, are no longer served.
The precedence these rows feed is ``pricing``'s (its module docstring).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

import money
from accounts.models import Company
from b2b.errors import PricingError
from b2b.models import CustomerGroup, PriceList, PriceListEntry, VolumeBreak
from b2b.models.pricing import HUNDRED, MAX_AMOUNT, MAX_QUANTITY
from catalog.catalog_version import bump_catalog_version
from catalog.models import Brand, Category, Product, ProductVariant

NAME_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 300
# A CSV import holds at most so many rows (a 10,000-entry list imports in one go).
IMPORT_MAX_ROWS = 20000
TARGET_MODELS = {
    PriceListEntry.Target.VARIANT: ProductVariant,
    PriceListEntry.Target.PRODUCT: Product,
    PriceListEntry.Target.CATEGORY: Category,
    PriceListEntry.Target.BRAND: Brand,
}


def _refuse(field: str, message: str):
    raise PricingError(message, fields={field: [message]})


def _changed() -> None:
    """Prices may have changed: cached catalog answers go once the transaction commits."""
    transaction.on_commit(bump_catalog_version)


# --- Customer groups ---------------------------------------------------------------------------


def create_customer_group(*, name: str, description: str = "", company_ids=()) -> CustomerGroup:
    """A customer group of these companies. Refused: an empty, too long or taken name, an
    unknown company."""
    with transaction.atomic():
        group = CustomerGroup(
            name=_name(name, exclude=None, model=CustomerGroup),
            description=_description(description),
        )
        group.save()
        group.companies.set(_companies(company_ids))
        _changed()
    return group


def update_customer_group(
    *, group: CustomerGroup, name=None, description=None, company_ids=None
) -> CustomerGroup:
    """Rename a group, change its description or its companies (None: unchanged)."""
    with transaction.atomic():
        group = CustomerGroup.objects.select_for_update().get(pk=group.pk)
        if name is not None:
            group.name = _name(name, exclude=group.pk, model=CustomerGroup)
        if description is not None:
            group.description = _description(description)
        group.save()
        if company_ids is not None:
            group.companies.set(_companies(company_ids))
        _changed()
    return group


def delete_customer_group(*, group: CustomerGroup) -> None:
    """Delete a group: its price lists no longer apply to its companies."""
    with transaction.atomic():
        CustomerGroup.objects.filter(pk=group.pk).delete()
        _changed()


# --- Price lists -------------------------------------------------------------------------------


def create_price_list(
    *,
    name: str,
    active: bool = True,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    company_ids=(),
    group_ids=(),
) -> PriceList:
    """A price list in the store's currency, assigned to these companies and customer groups.
    Refused: an empty or too long name, an end not after the start, an unknown company or
    group."""
    with transaction.atomic():
        _dates(valid_from, valid_until)
        price_list = PriceList.objects.create(
            name=_name(name),
            currency=money.store_currency(),
            active=bool(active),
            valid_from=valid_from,
            valid_until=valid_until,
        )
        price_list.companies.set(_companies(company_ids))
        price_list.customer_groups.set(_groups(group_ids))
        _changed()
    return price_list


def update_price_list(*, price_list: PriceList, **changes) -> PriceList:
    """Change a price list's name, ``active``, dates, ``company_ids`` or ``group_ids``
    (those given)."""
    known = {"name", "active", "valid_from", "valid_until", "company_ids", "group_ids"}
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = PriceList.objects.select_for_update().get(pk=price_list.pk)
        if "name" in changes:
            locked.name = _name(changes["name"])
        if "active" in changes:
            locked.active = bool(changes["active"])
        for field in ("valid_from", "valid_until"):
            if field in changes:
                setattr(locked, field, changes[field])
        _dates(locked.valid_from, locked.valid_until)
        locked.save()
        if "company_ids" in changes:
            locked.companies.set(_companies(changes["company_ids"]))
        if "group_ids" in changes:
            locked.customer_groups.set(_groups(changes["group_ids"]))
        _changed()
    return locked


def delete_price_list(*, price_list: PriceList) -> None:
    """Delete a price list, its entries and its volume breaks."""
    with transaction.atomic():
        PriceList.objects.filter(pk=price_list.pk).delete()
        _changed()


# --- Entries -----------------------------------------------------------------------------------


def add_entry(
    *,
    price_list: PriceList,
    target: str,
    target_id,
    kind: str,
    value,
    min_quantity=None,
    order_multiple=None,
) -> PriceListEntry:
    """An entry of ``price_list``: a fixed price or a percentage off for one variant,
    product, category or brand. Refused, field by field: an unknown target or kind, a value
    out of bounds (a percentage above 100), quantities below 1, a target the list already
    prices."""
    fields = _entry_fields(target, target_id, kind, value, min_quantity, order_multiple)
    with transaction.atomic():
        PriceList.objects.select_for_update().filter(pk=price_list.pk).first()
        entry = PriceListEntry(price_list=price_list, **fields)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            _refuse("target_id", "This price list already has an entry for it.")
        _changed()
    return entry


def add_entry_by_reference(*, price_list: PriceList, target: str, reference: str, **fields):
    """:func:`add_entry` for a target named as staff know it: a variant's SKU, a product's,
    category's or brand's slug (the store admin's form). Refused: an unknown reference."""
    if target not in TARGET_MODELS:
        _refuse("target", "Use one of: variant, product, category, brand.")
    reference = str(reference or "").strip()
    target_id = _references([{"target": target, "reference": reference}])[target].get(reference)
    if target_id is None:
        key = "SKU" if target == PriceListEntry.Target.VARIANT else "slug"
        _refuse("reference", f"No {target} with this {key}.")
    return add_entry(price_list=price_list, target=target, target_id=target_id, **fields)


def update_entry(*, entry: PriceListEntry, kind=None, value=None, **quantities):
    """Change an entry's kind, value, ``min_quantity`` or ``order_multiple`` (those given;
    a quantity of None clears it). Its target stays."""
    with transaction.atomic():
        locked = PriceListEntry.objects.select_for_update().get(pk=entry.pk)
        fields = _entry_fields(
            locked.target,
            locked.target_id,
            kind if kind is not None else locked.kind,
            value if value is not None else locked.value,
            quantities.get("min_quantity", locked.min_quantity),
            quantities.get("order_multiple", locked.order_multiple),
        )
        for name in ("kind", "value", "min_quantity", "order_multiple"):
            setattr(locked, name, fields[name])
        locked.save()
        _changed()
    return locked


def remove_entry(*, entry: PriceListEntry) -> None:
    """Remove an entry from its price list."""
    with transaction.atomic():
        PriceListEntry.objects.filter(pk=entry.pk).delete()
        _changed()


def import_entries(*, price_list: PriceList, text: str) -> int:
    """Replace-or-add entries from CSV text with the header
    ``target,reference,kind,value,min_quantity,order_multiple`` (reference: a variant's SKU,
    a product's, category's or brand's slug). All rows or none: the first bad rows are
    refused with their row numbers (``rows``). An entry for a target the list already
    prices is updated. Returns the number of rows written."""
    reader = csv.DictReader(io.StringIO(text))
    required = {"target", "reference", "kind", "value"}
    if not reader.fieldnames or not required <= set(reader.fieldnames):
        _refuse("file", "The header must be: target,reference,kind,value[,min_quantity,...].")
    rows = list(reader)
    if not rows:
        _refuse("file", "The file has no rows.")
    if len(rows) > IMPORT_MAX_ROWS:
        _refuse("file", f"At most {IMPORT_MAX_ROWS} rows per import.")
    lookups = _references(rows)
    errors, parsed = [], []
    for number, row in enumerate(rows, start=2):
        target = (row.get("target") or "").strip().lower()
        reference = (row.get("reference") or "").strip()
        target_id = lookups.get(target, {}).get(reference)
        try:
            if target_id is None:
                _refuse("reference", f"No {target or 'target'} “{reference[:64]}”.")
            parsed.append(
                _entry_fields(
                    target,
                    target_id,
                    (row.get("kind") or "").strip(),
                    (row.get("value") or "").strip(),
                    (row.get("min_quantity") or "").strip() or None,
                    (row.get("order_multiple") or "").strip() or None,
                    known=True,
                )
            )
        except PricingError as error:
            for field, messages in error.fields.items():
                errors.append(f"Row {number}, {field}: {messages[0]}")
        if len(errors) >= 20:
            break
    if errors:
        raise PricingError("Some rows are invalid; nothing was imported.", fields={"rows": errors})
    with transaction.atomic():
        PriceList.objects.select_for_update().filter(pk=price_list.pk).first()
        existing = {
            (entry.target, entry.target_id): entry
            for entry in PriceListEntry.objects.filter(price_list=price_list)
        }
        new, changed = [], []
        for fields in parsed:
            target = next(name for name in TARGET_MODELS if fields.get(name) is not None)
            found = existing.get((target, fields[target].pk))
            if found is None:
                entry = PriceListEntry(price_list=price_list, **fields)
                new.append(entry)
                existing[(target, fields[target].pk)] = entry
            else:
                for name in ("kind", "value", "min_quantity", "order_multiple"):
                    setattr(found, name, fields[name])
                if found.pk is not None:
                    changed.append(found)
        PriceListEntry.objects.bulk_create(new, batch_size=2000)
        PriceListEntry.objects.bulk_update(
            changed, ["kind", "value", "min_quantity", "order_multiple"], batch_size=2000
        )
        _changed()
    return len(parsed)


# --- Volume breaks -----------------------------------------------------------------------------


def add_volume_break(
    *, variant: ProductVariant, min_quantity, unit_price, price_list: PriceList | None = None
) -> VolumeBreak:
    """A tier of ``variant``'s volume pricing: from ``min_quantity`` (2 or more) units on a
    line, ``unit_price`` each; for every B2B buyer, or for ``price_list``'s buyers only.
    Refused: a quantity below 2, a price out of bounds, a tier the variant already has."""
    quantity = _quantity(min_quantity, "min_quantity", minimum=2)
    price = _amount(unit_price, "unit_price")
    with transaction.atomic():
        tier = VolumeBreak(
            variant=variant, price_list=price_list, min_quantity=quantity, unit_price=price
        )
        try:
            with transaction.atomic():
                tier.save()
        except IntegrityError:
            _refuse("min_quantity", "This variant already has a break at this quantity.")
        _changed()
    return tier


def remove_volume_break(*, tier: VolumeBreak) -> None:
    """Remove a tier of volume pricing."""
    with transaction.atomic():
        VolumeBreak.objects.filter(pk=tier.pk).delete()
        _changed()


# --- Checks ------------------------------------------------------------------------------------


def _name(value, *, exclude=None, model=None) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        _refuse("name", "Enter a name.")
    if len(name) > NAME_MAX_LENGTH:
        _refuse("name", f"At most {NAME_MAX_LENGTH} characters.")
    if model is not None:
        taken = model.objects.filter(name__iexact=name).exclude(pk=exclude).exists()
        if taken:
            _refuse("name", "Another group has this name.")
    return name


def _description(value) -> str:
    text = str(value or "").strip()
    if len(text) > DESCRIPTION_MAX_LENGTH:
        _refuse("description", f"At most {DESCRIPTION_MAX_LENGTH} characters.")
    return text


def _dates(valid_from, valid_until) -> None:
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        _refuse("valid_until", "The end of validity must come after its start.")


def _ids(values, field: str) -> list[int]:
    ids = []
    for value in values or ():
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            _refuse(field, "Unknown id.")
    if any(not (0 < pk <= MAX_QUANTITY) for pk in ids):
        _refuse(field, "Unknown id.")
    return sorted(set(ids))


def _companies(values) -> list[Company]:
    ids = _ids(values, "company_ids")
    found = list(Company.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        _refuse("company_ids", "Unknown company.")
    return found


def _groups(values) -> list[CustomerGroup]:
    ids = _ids(values, "group_ids")
    found = list(CustomerGroup.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        _refuse("group_ids", "Unknown customer group.")
    return found


def _quantity(value, field: str, *, minimum: int = 1) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        _refuse(field, "Enter a whole number.")
    if number < minimum:
        _refuse(field, f"At least {minimum}.")
    if number > MAX_QUANTITY:
        _refuse(field, f"At most {MAX_QUANTITY}.")
    return number


def _amount(value, field: str, *, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        _refuse(field, "Enter a number.")
    if not amount.is_finite():
        _refuse(field, "Enter a number.")
    if amount < 0:
        _refuse(field, "At least 0.")
    if amount > maximum:
        _refuse(field, f"At most {maximum}.")
    currency = money.store_currency()
    if not money.fits_currency(amount, currency) or amount != amount.quantize(Decimal("0.01")):
        _refuse(field, money.precision_message(currency))
    return amount


def _entry_fields(
    target, target_id, kind, value, min_quantity, order_multiple, *, known: bool = False
) -> dict:
    """The checked fields of an entry; ``known``: the target id was just read (an import)."""
    if target not in TARGET_MODELS:
        _refuse("target", "Use one of: variant, product, category, brand.")
    if kind not in PriceListEntry.Kind.values:
        _refuse("kind", "Use one of: fixed, percent_off.")
    maximum = HUNDRED if kind == PriceListEntry.Kind.PERCENT_OFF else MAX_AMOUNT
    amount = _amount(value, "value", maximum=maximum)
    pk = _ids([target_id], "target_id")[0] if target_id is not None else None
    if known and pk:
        found = TARGET_MODELS[target](pk=pk)
    else:
        found = TARGET_MODELS[target].objects.filter(pk=pk).first() if pk else None
    if found is None:
        _refuse("target_id", f"Unknown {target}.")
    fields = {name: None for name in TARGET_MODELS}
    fields[target] = found
    return {
        **fields,
        "kind": kind,
        "value": amount,
        "min_quantity": (
            _quantity(min_quantity, "min_quantity") if min_quantity not in (None, "") else None
        ),
        "order_multiple": (
            _quantity(order_multiple, "order_multiple")
            if order_multiple not in (None, "")
            else None
        ),
    }


def _references(rows) -> dict[str, dict[str, int]]:
    """The ids of every reference of an import, in four queries (not one per row)."""
    wanted: dict[str, set[str]] = {name: set() for name in TARGET_MODELS}
    for row in rows:
        target = (row.get("target") or "").strip().lower()
        if target in wanted:
            wanted[target].add((row.get("reference") or "").strip())
    found = {}
    for target, model in TARGET_MODELS.items():
        key = "sku" if model is ProductVariant else "slug"
        found[target] = dict(
            model.objects.filter(**{f"{key}__in": wanted[target]}).values_list(key, "pk")
        )
    return found
