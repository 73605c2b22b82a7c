"""What a buyer asks for, read from what they typed, pasted or uploaded: one
:class:`RequestedLine` per non-blank row, numbered as they see it (row 1 is the first line
of the text or file, a CSV header included).

Accepted rows: ``SKU quantity``, ``SKU, quantity``, ``SKU; quantity`` or ``SKU<tab>quantity``
(a spreadsheet's copied columns); a SKU alone means the variant's minimum quantity. A CSV file
may start with a header naming its ``sku`` and ``quantity`` (or ``qty``) columns, in any order.
Bounded: at most :data:`MAX_LINES` rows and :data:`MAX_FILE_BYTES` bytes; more is refused
whole (TooManyLines / MalformedOrderFile), never cut short silently.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from b2b.errors import MalformedOrderFile, TooManyLines

MAX_LINES = 500
MAX_FILE_BYTES = 256 * 1024
# The SKU column of catalog.ProductVariant holds no more; a longer one is simply not found.
MAX_SKU_LENGTH = 64
_SPLIT = re.compile(r"\s*[,;\t]\s*|\s+")
_HEADER_SKU = {"sku", "item", "item number", "part number", "article"}
_HEADER_QUANTITY = {"quantity", "qty", "amount", "count"}


@dataclass(frozen=True)
class RequestedLine:
    """One row asked for: ``quantity`` as typed (None: the variant's minimum); a reorder or a
    list names its variant (``variant_id``) rather than a SKU."""

    row: int
    sku: str
    quantity: object = None
    variant_id: int | None = None


def parse_text(text: str) -> list[RequestedLine]:
    """The rows of a pasted or typed list, blank rows skipped (TooManyLines above the bound)."""
    rows = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        raw = raw.strip()
        if not raw:
            continue
        parts = [part for part in _SPLIT.split(raw, maxsplit=1) if part != ""]
        sku = parts[0].strip().strip("\"'")
        quantity = parts[1].strip().strip("\"'") if len(parts) > 1 else None
        rows.append(RequestedLine(row=number, sku=sku, quantity=quantity or None))
        _bound(rows)
    return rows


def parse_rows(pairs) -> list[RequestedLine]:
    """Rows given as ``(sku, quantity)`` pairs (the page's grid, the API's JSON), numbered from
    1; pairs with neither a SKU nor a quantity are skipped."""
    rows = []
    for number, (sku, quantity) in enumerate(pairs, start=1):
        sku = "" if sku is None else str(sku).strip()
        quantity = None if quantity in (None, "") else quantity
        if not sku and quantity is None:
            continue
        rows.append(RequestedLine(row=number, sku=sku, quantity=quantity))
        _bound(rows)
    return rows


def parse_csv(data: bytes) -> list[RequestedLine]:
    """The rows of an uploaded CSV file (UTF-8, optional BOM; comma, semicolon or tab).

    Refused whole (MalformedOrderFile): more than MAX_FILE_BYTES, not UTF-8 text, NUL bytes,
    a header without a SKU column. A row of more columns than expected is read by its SKU
    and quantity columns; the others are ignored."""
    if len(data) > MAX_FILE_BYTES:
        raise MalformedOrderFile(
            f"The file is too large: at most {MAX_FILE_BYTES // 1024} KB.",
            fields={"file": [f"At most {MAX_FILE_BYTES // 1024} KB."]},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedOrderFile(
            "The file is not a CSV file in UTF-8.",
            fields={"file": ["Save it as CSV (UTF-8) and upload it again."]},
        ) from None
    if "\x00" in text:
        raise MalformedOrderFile(
            "The file is not a CSV file.", fields={"file": ["This is not a text file."]}
        )
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    sku_at, quantity_at = 0, 1
    rows: list[RequestedLine] = []
    try:
        for number, cells in enumerate(reader, start=1):
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if number == 1 and _is_header(cells):
                sku_at, quantity_at = _columns(cells)
                continue
            sku = cells[sku_at] if sku_at < len(cells) else ""
            quantity = cells[quantity_at] if quantity_at < len(cells) else None
            rows.append(RequestedLine(row=number, sku=sku, quantity=quantity or None))
            _bound(rows)
    except csv.Error as error:
        raise MalformedOrderFile(
            f"The file is not valid CSV: {error}.", fields={"file": [str(error)]}
        ) from None
    if not rows:
        raise MalformedOrderFile(
            "The file has no rows.", fields={"file": ["The file has no SKU rows."]}
        )
    return rows


def _bound(rows: list) -> None:
    if len(rows) > MAX_LINES:
        raise TooManyLines(
            f"At most {MAX_LINES} lines at once: split the order.",
            fields={"lines": [f"At most {MAX_LINES} lines at once."]},
        )


def _delimiter(text: str) -> str:
    first = text.lstrip().split("\n", 1)[0]
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _is_header(cells: list[str]) -> bool:
    names = {cell.lower() for cell in cells}
    return bool(names & _HEADER_SKU) or bool(names & _HEADER_QUANTITY)


def _columns(cells: list[str]) -> tuple[int, int]:
    names = [cell.lower() for cell in cells]
    sku_at = next((index for index, name in enumerate(names) if name in _HEADER_SKU), None)
    if sku_at is None:
        raise MalformedOrderFile(
            "The header names no SKU column.",
            fields={"file": ["The first row must name a 'sku' column (or have no header)."]},
        )
    quantity_at = next(
        (index for index, name in enumerate(names) if name in _HEADER_QUANTITY),
        1 if sku_at == 0 else 0,
    )
    return sku_at, quantity_at
