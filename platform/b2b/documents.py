"""Invoices and statements as documents: PDF (fpdf2, as ``orders.invoice`` renders an order's
invoice: core fonts in windows-1252, every amount by money.format_money) and CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.db import connection
from fpdf import FPDF

import money
from b2b.invoicing import Statement, outstanding
from b2b.models import Invoice
from orders.invoice import ENCODING, _address_lines, _store_lines, _text

CSV_HEADER = ["date", "type", "reference", "description", "debit", "credit", "balance"]


def _document(title: str) -> tuple[FPDF, str]:
    tenant = getattr(connection, "tenant", None)
    store_name = getattr(tenant, "name", "") or "Store"
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(_text(title))
    pdf.set_author(_text(store_name))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(pdf.epw, 9, _text(store_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in _store_lines(tenant):
        pdf.cell(pdf.epw, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(pdf.epw, 8, _text(title), new_x="LMARGIN", new_y="NEXT")
    return pdf, store_name


def _row(pdf: FPDF, cells, sizes, *, bold: bool = False, border: str = "") -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 9)
    for index, (size, value) in enumerate(zip(sizes, cells, strict=True)):
        pdf.cell(size, 6, _text(value), border=border, align="L" if index == 0 else "R")
    pdf.ln()


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice: number, dates and terms, who is billed, the order's lines and totals."""
    order = invoice.order
    currency = invoice.currency

    def fmt(amount) -> str:
        return money.format_money(Decimal(amount or 0), currency)

    pdf, _ = _document(f"Invoice {invoice.number}")
    pdf.set_font("Helvetica", "", 10)
    facts = [
        f"Issued: {invoice.issued_on:%d %B %Y}",
        f"Due: {invoice.due_on:%d %B %Y} ({invoice.payment_terms.replace('_', ' ')})",
        f"Order: #{order.number}",
        f"Status: {invoice.get_status_display()}",
    ]
    po_number = getattr(order, "po_number", "")
    if po_number:
        facts.append(f"Purchase order: {po_number}")
    for fact in facts:
        pdf.cell(pdf.epw, 6, _text(fact), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(pdf.epw, 6, _text(f"Billed to {invoice.company.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in _address_lines(order.billing_address or order.shipping_address):
        pdf.cell(pdf.epw, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    sizes = [pdf.epw * share for share in (0.46, 0.08, 0.15, 0.15, 0.16)]
    _row(pdf, ("Item", "Qty", "Unit price", "Tax", "Gross"), sizes, bold=True, border="B")
    for line in order.lines.all():
        name = line.product_name + (f" ({line.variant_label})" if line.variant_label else "")
        cells = (f"{name} - {line.sku}"[:60], str(line.quantity), fmt(line.unit_price))
        _row(pdf, (*cells, fmt(line.tax), fmt(line.gross)), sizes)
    pdf.ln(3)
    label, value = pdf.epw * 0.74, pdf.epw * 0.26
    for caption, amount, bold in (
        ("Subtotal", order.subtotal, False),
        ("Delivery", order.shipping, False),
        ("Tax total", order.tax, False),
        ("Invoice total", invoice.amount, True),
        ("Still due", outstanding(invoice), True),
    ):
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.cell(label, 6, _text(caption), align="R")
        pdf.cell(value, 6, _text(fmt(amount)), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def statement_pdf(statement: Statement) -> bytes:
    """The statement: the period, opening balance, each invoice and payment with the running
    balance, closing balance."""
    currency = statement.currency

    def fmt(amount) -> str:
        return money.format_money(Decimal(amount or 0), currency) if amount else ""

    pdf, _ = _document(f"Statement for {statement.company.name}")
    pdf.set_font("Helvetica", "", 10)
    period = f"{statement.date_from:%d %B %Y} to {statement.date_to:%d %B %Y}"
    pdf.cell(pdf.epw, 6, _text(period), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    sizes = [pdf.epw * share for share in (0.14, 0.41, 0.15, 0.15, 0.15)]
    _row(pdf, ("Date", "Description", "Debit", "Credit", "Balance"), sizes, bold=True, border="B")
    opening = money.format_money(statement.opening_balance, currency)
    _row(pdf, ("", "Opening balance", "", "", opening), sizes)
    for line in statement.lines:
        cells = (line.on.isoformat(), line.description[:55], fmt(line.debit), fmt(line.credit))
        _row(pdf, (*cells, money.format_money(line.balance, currency)), sizes)
    closing = money.format_money(statement.closing_balance, currency)
    _row(pdf, ("", "Closing balance", "", "", closing), sizes, bold=True, border="T")
    return bytes(pdf.output())


def statement_csv(statement: Statement) -> str:
    """The statement as CSV: a header, the opening balance, one row per invoice or payment,
    the closing balance (amounts as plain decimals, in the statement's currency)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    start, end = statement.date_from.isoformat(), statement.date_to.isoformat()
    writer.writerow([start, "opening_balance", "", "Opening balance", "", "",
                     statement.opening_balance])  # fmt: skip
    for line in statement.lines:
        debit = line.debit if line.debit else ""
        credit = line.credit if line.credit else ""
        row = [line.on.isoformat(), line.kind, line.reference, line.description]
        writer.writerow([*row, debit, credit, line.balance])
    writer.writerow([end, "closing_balance", "", "Closing balance", "", "",
                     statement.closing_balance])  # fmt: skip
    return out.getvalue()
