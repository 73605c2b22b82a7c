"""Stock: every change is made under a row lock and recorded as an adjustment."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F

from catalog.errors import InsufficientStock, StockOutOfRange
from catalog.events import emit_products_changed
from catalog.models import ProductVariant, StockAdjustment
from config.api_input import integer_fits


def adjust_stock(
    *, variant_id: int, delta: int, reason: str, actor: str = "", note: str = ""
) -> StockAdjustment:
    """Add ``delta`` (negative to remove) to a variant's stock on hand.

    Locks the variant row for the change; refuses to go below zero unless the variant allows
    backorders (InsufficientStock), and a result the stock column cannot hold (StockOutOfRange,
    checked under the lock). Records who, when and why; emits products_changed.
    """
    with transaction.atomic():
        variant = ProductVariant.objects.select_for_update().get(pk=variant_id)
        return _apply(variant, delta=delta, reason=reason, actor=actor, note=note)


def set_stock_levels(
    *,
    levels: Iterable[tuple[int, int]],
    reason: str,
    actor: str = "",
    note: str = "",
    emit: bool = True,
) -> list[StockAdjustment]:
    """Set the stock on hand of many variants (variant id, new level) in one transaction.

    Rows are locked in id order (no deadlocks between concurrent bulk updates). Refuses a
    level the stock column cannot hold (StockOutOfRange). Emits one products_changed, unless
    ``emit`` is False because the calling service emits its own.
    """
    wanted = dict(levels)
    with transaction.atomic():
        variants = ProductVariant.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
        changes = [
            (variant, wanted[variant.pk] - variant.stock_on_hand)
            for variant in variants
            if wanted[variant.pk] != variant.stock_on_hand
        ]
        for variant, delta in changes:
            _check_level(variant, delta)
        # The rows are locked: the new levels are written as they are, in one statement.
        for variant, delta in changes:
            variant.stock_on_hand += delta
        _write_levels([variant for variant, _ in changes])
        adjustments = StockAdjustment.objects.bulk_create(
            [
                StockAdjustment(
                    variant=variant,
                    delta=delta,
                    stock_after=variant.stock_on_hand,
                    reason=reason,
                    actor=actor,
                    note=note,
                )
                for variant, delta in changes
            ],
            batch_size=500,
        )
        for variant, delta in changes:
            _notify_if_low(variant, before=variant.stock_on_hand - delta)
        if emit:
            emit_products_changed(variant.product_id for variant in variants)
    return adjustments


def _write_levels(variants: list[ProductVariant]) -> None:
    if not variants:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE catalog_productvariant v SET stock_on_hand = u.level
            FROM unnest(%s::bigint[], %s::integer[]) AS u(id, level)
            WHERE v.id = u.id
            """,
            [[variant.pk for variant in variants], [variant.stock_on_hand for variant in variants]],
        )


def _check_level(variant: ProductVariant, delta: int, *, field: str = "stock_on_hand") -> None:
    """Refuse a level the columns cannot hold, and to take a variant below zero unless it
    allows backorders."""
    after = variant.stock_on_hand + delta
    if not (
        integer_fits(after, ProductVariant, "stock_on_hand")
        and integer_fits(delta, StockAdjustment, "delta")
    ):
        raise StockOutOfRange(
            f"{variant.sku} has {variant.stock_on_hand} in stock; {after} cannot be stored.",
            fields={field: [f"The stock would be {after}, beyond what can be stored."]},
        )
    denies = variant.stock_policy == ProductVariant.StockPolicy.DENY
    if variant.stock_on_hand + delta < 0 and denies:
        raise InsufficientStock(
            f"{variant.sku} has {variant.stock_on_hand} in stock; cannot remove {-delta}.",
            fields={"stock_on_hand": [f"{variant.sku}: stock cannot go below zero."]},
        )


def _apply(variant, *, delta, reason, actor, note, emit=True) -> StockAdjustment:
    _check_level(variant, delta, field="delta")
    after = variant.stock_on_hand + delta
    ProductVariant.objects.filter(pk=variant.pk).update(stock_on_hand=F("stock_on_hand") + delta)
    variant.stock_on_hand = after
    adjustment = StockAdjustment.objects.create(
        variant=variant, delta=delta, stock_after=after, reason=reason, actor=actor, note=note
    )
    if emit:
        emit_products_changed([variant.product_id])
    _notify_if_low(variant, before=after - delta)
    return adjustment


def _notify_if_low(variant, *, before: int) -> None:
    """After commit, tell the merchant when this change took the variant's available stock to
    or below its low-stock threshold (from above it); one email per crossing, by Celery."""
    threshold = variant.low_stock_threshold
    if not before - variant.stock_reserved > threshold >= variant.stock_available:
        return
    from catalog.tasks import send_low_stock_alert

    transaction.on_commit(lambda: send_low_stock_alert.delay(variant.pk))
