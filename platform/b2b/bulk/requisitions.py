"""Requisition lists and saved carts of a company (b2b.models.requisitions): reads and writes.

Who may do what (the views ask :func:`can_edit`; the services check it again):

* every member of the company sees its lists and adds them (or some of their lines) to their
  own cart; a company API key reads them and adds them to its cart;
* any member makes a list (empty, from SKU rows, or from their current cart: a saved cart);
* the list's maker and the company's admins rename it, change its lines and delete it.

A list of another company does not exist for the caller (404), whatever its id.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch

from accounts.models import CompanyMembership
from b2b.bulk import quick_order
from b2b.bulk.lines import MAX_LINES, RequestedLine
from b2b.errors import (
    RequisitionListForbidden,
    RequisitionListInvalid,
    RequisitionListNotFound,
    TooManyLines,
)
from b2b.models import RequisitionList, RequisitionListLine
from cart import rules
from cart.models import CartLine
from catalog.models import ProductVariant

MAX_NAME_LENGTH = 120
MAX_ID = 9223372036854775807


# --- Reads ---------------------------------------------------------------------------------


def lists_of(*, company):
    """The company's lists, last changed first, each with ``line_count`` and its maker (one
    query per page)."""
    if company is None:
        return RequisitionList.objects.none()
    return (
        RequisitionList.objects.filter(company=company)
        .select_related("created_by")
        .annotate(line_count=Count("lines"))
        .order_by("-updated_at", "-pk")
    )


def list_of(*, company, pk) -> RequisitionList:
    """The company's list ``pk`` with its lines, their variants and products (two queries);
    RequisitionListNotFound (404) for any other id, another company's list included."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    found = None
    if company is not None and 0 < pk <= MAX_ID:
        lines = RequisitionListLine.objects.select_related("variant__product").order_by(
            "created_at", "pk"
        )
        found = (
            RequisitionList.objects.filter(company=company, pk=pk)
            .select_related("created_by")
            .prefetch_related(Prefetch("lines", queryset=lines))
            .first()
        )
    if found is None:
        raise RequisitionListNotFound("No requisition list of your company has this id.")
    return found


def can_edit(*, user, requisition_list: RequisitionList) -> bool:
    """Whether ``user`` may change the list: its maker, or an admin of its company."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if requisition_list.created_by_id == user.pk:
        return True
    return CompanyMembership.objects.filter(
        user=user, company_id=requisition_list.company_id, role=CompanyMembership.Role.ADMIN
    ).exists()


# --- Writes --------------------------------------------------------------------------------


def create_list(
    *,
    company,
    user,
    name: str,
    lines: list[RequestedLine] = (),
    kind: str = RequisitionList.Kind.REQUISITION,
) -> RequisitionList:
    """A new list of ``company`` made by ``user``, with ``lines`` (SKU rows; rows of one SKU
    are summed). Refused field by field (RequisitionListInvalid, nothing made): a blank or too
    long name, an unknown SKU, a quantity that is not a whole number from 1."""
    name = _name(name)
    resolved = _resolve(lines)
    with transaction.atomic():
        made = RequisitionList.objects.create(
            company=company, created_by=user, name=name, kind=kind
        )
        _write_lines(made, resolved)
    return made


def save_cart_as_list(*, company, user, cart, name: str, kind=RequisitionList.Kind.SAVED_CART):
    """The cart's lines (their variants and quantities) kept as a new list of the company; the
    cart is unchanged. An empty cart makes nothing (RequisitionListInvalid)."""
    name = _name(name)
    lines = (
        list(
            CartLine.objects.filter(cart=cart, variant__isnull=False)
            .select_related("variant__product")
            .order_by("created_at", "pk")
        )
        if cart is not None
        else []
    )
    if not lines:
        raise RequisitionListInvalid(
            "Your cart is empty: there is nothing to save.", fields={"cart": ["The cart is empty."]}
        )
    with transaction.atomic():
        made = RequisitionList.objects.create(
            company=company, created_by=user, name=name, kind=kind
        )
        _write_lines(made, [(line.variant, line.quantity) for line in lines])
    return made


def rename_list(*, requisition_list: RequisitionList, user, name: str) -> RequisitionList:
    """Rename the list (its maker or a company admin; RequisitionListForbidden otherwise)."""
    _check_can_edit(user, requisition_list)
    requisition_list.name = _name(name)
    requisition_list.save(update_fields=["name", "updated_at"])
    return requisition_list


def delete_list(*, requisition_list: RequisitionList, user) -> None:
    """Delete the list and its lines (its maker or a company admin)."""
    _check_can_edit(user, requisition_list)
    requisition_list.delete()


def set_line(*, requisition_list: RequisitionList, user, sku: str, quantity) -> RequisitionListLine:
    """Put ``quantity`` of the variant ``sku`` on the list (its line's quantity is replaced
    when it has one). Refused as :func:`create_list` refuses a row; a 501st line too."""
    _check_can_edit(user, requisition_list)
    [(variant, number)] = _resolve([RequestedLine(row=1, sku=sku, quantity=quantity)], single=True)
    with transaction.atomic():
        locked = RequisitionList.objects.select_for_update().get(pk=requisition_list.pk)
        line = locked.lines.filter(variant=variant).first()
        if line is None and locked.lines.count() >= MAX_LINES:
            raise TooManyLines(
                f"A list holds at most {MAX_LINES} lines.",
                fields={"sku": [f"A list holds at most {MAX_LINES} lines."]},
            )
        if line is None:
            line = RequisitionListLine.objects.create(
                requisition_list=locked,
                variant=variant,
                sku=variant.sku,
                name=variant.product.name[:200],
                quantity=number,
            )
        else:
            line.quantity = number
            line.save(update_fields=["quantity"])
        locked.save(update_fields=["updated_at"])
    return line


def remove_line(*, requisition_list: RequisitionList, user, line_id) -> None:
    """Remove a line of the list (removing one that is not there changes nothing)."""
    _check_can_edit(user, requisition_list)
    try:
        line_id = int(line_id)
    except (TypeError, ValueError):
        return
    if not 0 < line_id <= MAX_ID:
        return
    deleted, _ = requisition_list.lines.filter(pk=line_id).delete()
    if deleted:
        requisition_list.save(update_fields=["updated_at"])


def add_list_to_cart(*, requisition_list: RequisitionList, buyer, owner, line_ids=None):
    """Add the list's lines (or those of ``line_ids``) to ``owner``'s cart at today's prices:
    what can be bought as listed is added, the rest reported (quick_order.add_available)."""
    chosen = {int(pk) for pk in line_ids} if line_ids else None
    requested = [
        RequestedLine(
            row=number, sku=line.sku, quantity=line.quantity, variant_id=line.variant_id or -1
        )
        for number, line in enumerate(requisition_list.lines.all(), start=1)
        if chosen is None or line.pk in chosen
    ]
    if not requested:
        raise RequisitionListInvalid(
            "No line of the list was chosen.", fields={"lines": ["Choose at least one line."]}
        )
    return quick_order.add_available(lines=requested, buyer=buyer, owner=owner)


# --- Internals -------------------------------------------------------------------------------


def _check_can_edit(user, requisition_list: RequisitionList) -> None:
    if not can_edit(user=user, requisition_list=requisition_list):
        raise RequisitionListForbidden(
            "Only the person who made this list and your company's admins can change it."
        )


def _name(value) -> str:
    name = (value or "").replace("\x00", "").strip() if isinstance(value, str) else ""
    if not name:
        raise RequisitionListInvalid(
            "A name is required.", fields={"name": ["Give the list a name."]}
        )
    if len(name) > MAX_NAME_LENGTH:
        raise RequisitionListInvalid(
            "The name is too long.", fields={"name": [f"At most {MAX_NAME_LENGTH} characters."]}
        )
    return name


def _resolve(lines, *, single: bool = False) -> list[tuple[ProductVariant, int]]:
    """The variants and quantities of SKU rows (one query), rows of one SKU summed; any bad
    row refuses all, field by field (``lines.<index>.sku`` / ``.quantity``)."""
    lines = list(lines)
    if len(lines) > MAX_LINES:
        raise TooManyLines(
            f"A list holds at most {MAX_LINES} lines.",
            fields={"lines": [f"At most {MAX_LINES} lines."]},
        )
    skus = {line.sku for line in lines if line.sku and quick_order.is_storable_sku(line.sku)}
    skus |= {sku.upper() for sku in skus}
    variants = {
        variant.sku: variant
        for variant in ProductVariant.objects.select_related("product").filter(sku__in=skus)
    }
    errors: dict[str, list[str]] = {}
    wanted: dict[int, tuple[ProductVariant, int]] = {}
    for index, line in enumerate(lines):
        variant = variants.get(line.sku) or variants.get(line.sku.upper())
        typed = line.quantity if line.quantity is not None else 1
        number, problem = quick_order.parse_quantity(typed)
        if variant is None:
            errors[f"lines.{index}.sku"] = ["No product has this SKU."]
        elif problem:
            errors[f"lines.{index}.quantity"] = [problem]
        else:
            _, before = wanted.get(variant.pk, (variant, 0))
            wanted[variant.pk] = (variant, min(before + number, rules.MAX_QUANTITY))
    if errors:
        if single:  # a line added on its own: its fields are the request's
            errors = {key.split(".")[-1]: value for key, value in errors.items()}
        raise RequisitionListInvalid("Some lines cannot be kept.", fields=errors)
    return list(wanted.values())


def _write_lines(requisition_list: RequisitionList, resolved) -> None:
    try:
        RequisitionListLine.objects.bulk_create(
            [
                RequisitionListLine(
                    requisition_list=requisition_list,
                    variant=variant,
                    sku=variant.sku,
                    name=variant.product.name[:200],
                    quantity=quantity,
                )
                for variant, quantity in resolved
            ]
        )
    except IntegrityError:  # pragma: no cover - rows of one variant are summed above
        raise RequisitionListInvalid("A variant is listed twice.") from None
