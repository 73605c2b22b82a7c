"""The invoice of an order as a PDF (fpdf2, pure Python): the store's name and address, the
order's number and date, its lines with net / tax / gross, tax per rate and the totals, every
amount formatted by money.format_money in the order's currency."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.utils import timezone
from fpdf import FPDF

import money
from orders.models import Order

ENCODING = "windows-1252"  # the core fonts' encoding: €, £, ¥ and Latin letters


def _text(value) -> str:
    """Core fonts cover windows-1252 only: anything else becomes '?', never an error."""
    return str(value or "").encode(ENCODING, "replace").decode(ENCODING)


def _store_lines(tenant) -> list[str]:
    def field(name: str) -> str:
        return getattr(tenant, name, "") or ""

    city = " ".join(part for part in (field("postal_code"), field("city")) if part)
    parts = [
        field("address_line1"),
        field("address_line2"),
        ", ".join(part for part in (city, field("region")) if part),
        field("country"),
        field("contact_email"),
    ]
    return [part for part in parts if part]


def _address_lines(address: dict) -> list[str]:
    address = address or {}
    city = " ".join(part for part in (address.get("postal_code"), address.get("city")) if part)
    parts = [
        address.get("full_name"),
        address.get("company_name"),
        address.get("line1"),
        address.get("line2"),
        ", ".join(part for part in (city, address.get("region")) if part),
        address.get("country"),
    ]
    return [str(part) for part in parts if part]


def render(order: Order) -> bytes:
    tenant = getattr(connection, "tenant", None)
    store_name = getattr(tenant, "name", "") or "Store"
    currency = order.currency

    def fmt(amount) -> str:
        try:
            value = Decimal(str(amount or 0))
        except ArithmeticError:
            value = Decimal(0)
        return _text(money.format_money(value, currency))

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(_text(f"Invoice {order.number}"))
    pdf.set_author(_text(store_name))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(width, 9, _text(store_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in _store_lines(tenant):
        pdf.cell(width, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(width, 8, _text(f"Invoice for order #{order.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    placed = timezone.localtime(order.placed_at).strftime("%d %B %Y")
    pdf.cell(width, 6, _text(f"Order date: {placed}"), new_x="LMARGIN", new_y="NEXT")
    if order.po_number:  # the company's own reference, for its accounts payable
        pdf.cell(width, 6, _text(f"PO number: {order.po_number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    billing = order.billing_address or order.shipping_address
    if billing:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(width, 6, "Billed to", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for line in _address_lines(billing):
            pdf.cell(width, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    columns = (0.40, 0.08, 0.13, 0.13, 0.13, 0.13)
    sizes = [width * share for share in columns]
    heads = ("Item", "Qty", "Unit price", "Net", "Tax", "Gross")
    pdf.set_font("Helvetica", "B", 9)
    for size, head, index in zip(sizes, heads, range(6), strict=True):
        pdf.cell(size, 7, head, border="B", align="L" if index == 0 else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for line in order.lines.all():
        name = line.product_name + (f" ({line.variant_label})" if line.variant_label else "")
        name = f"{name} - {line.sku}" if line.sku else name
        cells = (
            name[:60],
            str(line.quantity),
            fmt(line.unit_price),
            fmt(line.net),
            fmt(line.tax),
            fmt(line.gross),
        )
        for size, value, index in zip(sizes, cells, range(6), strict=True):
            pdf.cell(size, 6, _text(value), align="L" if index == 0 else "R")
        pdf.ln()
    pdf.ln(3)

    label_width = width * 0.74
    value_width = width - label_width

    def total_row(label: str, amount, *, bold: bool = False) -> None:
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.cell(label_width, 6, _text(label), align="R")
        pdf.cell(value_width, 6, fmt(amount), align="R", new_x="LMARGIN", new_y="NEXT")

    total_row("Subtotal", order.subtotal)
    if order.discount:
        total_row("Discount", -Decimal(order.discount))
    delivery = (
        f"Delivery ({order.delivery_option_name})" if order.delivery_option_name else "Delivery"
    )
    total_row(delivery, order.shipping)
    for rate in order.tax_rates or []:
        if not isinstance(rate, dict):
            continue
        label = rate.get("name") or "Tax"
        if rate.get("rate") not in (None, ""):
            label = f"{label} ({rate['rate']}%)"
        total_row(str(label), rate.get("tax") or 0)
    total_row("Tax total", order.tax)
    total_row(
        "Total (tax included)" if order.prices_include_tax else "Total",
        order.total,
        bold=True,
    )
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(
        width,
        5,
        _text(f"All amounts in {currency}. Payment method: {order.payment_method or '-'}."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
