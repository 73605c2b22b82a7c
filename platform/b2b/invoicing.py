"""Invoices and statements of B2B orders paid by "invoice / purchase order".

- **Issuing.** An order whose payment method is the invoice (:func:`paid_by_invoice`, the one
  place that says so) gets one :class:`Invoice` when it reaches PENDING: placed pending, or
  approved from awaiting approval (receivers of ``orders.events``; :func:`issue_invoice` is
  idempotent, and the unique order column makes a second invoice impossible). Its number is
  the store's next (gapless, as order numbers), its due date the issue date plus the company's
  payment terms (``Company.PaymentTerms(...).days``), its amount the order's total.
- **Paid.** Staff record money received with :func:`record_invoice_payment`, which goes
  through the payments app's manual path (``payments.services.mark_paid``, as cash on
  delivery): the order's payment status, and so the company's open balance, follow; the
  invoice becomes PAID when the order is paid (:func:`sync_invoice`, also on the order's
  ``payment_status`` signal). A cancelled order voids its invoice.
- **Overdue.** :func:`mark_overdue_and_remind` (the periodic task, per store) moves open
  invoices past their due date to OVERDUE and sends one reminder per invoice: the email is
  claimed by one conditional UPDATE of ``reminder_sent_at``, so a task delivered twice sends
  one.
- **Refunds.** A refund of an order paid by invoice moves no money: it is a credit against
  its invoice (:func:`credited`): what is due decreases (an invoice left with nothing due is
  settled, PAID), and a refund of a paid invoice leaves a credit on the company's balance.
  Only what gives back an overpayment is money returned.
- **Statements.** :func:`statement` is a ledger of dated entries (invoices, payments,
  credits, refunds, voids on the day they happened): a period's opening balance is the sum of
  the entries before it, its lines those within it, then the closing balance (b2b.documents
  renders PDF and CSV).

Every move of an invoice is in ``b2b.state`` (recorded, illegal ones 409).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

import money
from accounts.models import Company
from b2b import state
from b2b.errors import InvoiceError
from b2b.models import Invoice, InvoiceEvent, InvoiceStatus
from orders.models import Order, OrderEvent, OrderStatus, PaymentStatus

logger = logging.getLogger(__name__)

# The payment method code of "Invoice / purchase order" (b2b-purchasing's provider).
INVOICE_METHOD = "invoice"
# Orders in these statuses have no invoice (yet, or any more).
NOT_INVOICED = frozenset({OrderStatus.CANCELLED, "awaiting_approval"})
PAID_STATUSES = frozenset({PaymentStatus.PAID, PaymentStatus.OVERPAID})
OPEN_STATUSES = frozenset({InvoiceStatus.OPEN, InvoiceStatus.OVERDUE})
NOTE_MAX_LENGTH = 2000


def paid_by_invoice(order) -> bool:
    """Whether ``order`` is paid by invoice (the one test of it: align here at merge)."""
    return order.payment_method == INVOICE_METHOD and order.company_id is not None


# --- Numbers -----------------------------------------------------------------------------------


def next_invoice_number() -> int:
    """The store's next invoice number (call inside the transaction creating the invoice: the
    counter's row stays locked until it ends, so numbers are consecutive and have no gaps)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO b2b_invoicenumbercounter (id, last_number) VALUES (1, 1)
            ON CONFLICT (id) DO UPDATE
                SET last_number = b2b_invoicenumbercounter.last_number + 1
            RETURNING last_number
            """
        )
        return cursor.fetchone()[0]


# --- Issuing, paid, void -----------------------------------------------------------------------


def due_date(issued_on: date, payment_terms: str) -> date:
    """The due date of an invoice issued on ``issued_on`` under ``payment_terms``."""
    return issued_on + timedelta(days=Company.PaymentTerms(payment_terms).days)


def issue_invoice(*, order_id: int, today: date | None = None) -> Invoice | None:
    """The invoice of order ``order_id``, issued now if it is due one and has none.

    None for an order not paid by invoice, still awaiting approval or cancelled. Idempotent:
    under the order's row lock, an invoice already issued is returned as it is."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("company")
            .filter(pk=order_id)
            .first()
        )
        if order is None or not paid_by_invoice(order) or order.status in NOT_INVOICED:
            return None
        existing = Invoice.objects.filter(order=order).first()
        if existing is not None:
            return existing
        issued_on = today or timezone.localdate()
        terms = order.company.payment_terms
        invoice = Invoice.objects.create(
            order=order,
            company=order.company,
            number=next_invoice_number(),
            currency=order.currency,
            amount=order.total,
            issued_on=issued_on,
            due_on=due_date(issued_on, terms),
            payment_terms=terms,
        )
        InvoiceEvent.objects.create(invoice=invoice, to_status=invoice.status, note="Issued")
        if order.payment_status in PAID_STATUSES:  # paid before it was issued (prepaid)
            _move(invoice, InvoiceStatus.PAID)
        return invoice


def sync_invoice(*, order_id: int, actor=None) -> Invoice | None:
    """Bring the invoice of order ``order_id`` in step with the order: PAID once the order is
    paid (or overpaid), VOID once it is cancelled. Idempotent (nothing to do: nothing done)."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(order_id=order_id).first()
        if invoice is None:
            return None
        order = Order.objects.get(pk=order_id)
        if order.status == OrderStatus.CANCELLED and invoice.status != InvoiceStatus.VOID:
            _move(invoice, InvoiceStatus.VOID, actor=actor, note="The order was cancelled.")
        elif order.payment_status in PAID_STATUSES and invoice.status in OPEN_STATUSES:
            _move(invoice, InvoiceStatus.PAID, actor=actor)
        elif (
            invoice.status in OPEN_STATUSES
            and order.amount_refunded > 0
            and owed(invoice.amount, order.amount_paid, order.amount_refunded) <= 0
        ):
            # What was received and credited covers the invoice: nothing is left to remind of.
            _move(invoice, InvoiceStatus.PAID, actor=actor, note="Settled: paid and credited.")
        return invoice


def _move(invoice: Invoice, to_status: str, *, actor=None, note: str = "") -> None:
    if to_status == InvoiceStatus.PAID:
        invoice.paid_at = timezone.now()
    state.move_invoice(invoice, to_status, actor=actor, note=note)


def on_order_placed(
    sender=None, *, order_id, payment_method=None, company_id=None, **kwargs
) -> None:
    """``orders.events.order_placed``: an order placed pending and paid by invoice is
    invoiced. Any other order (as the event says it was placed) costs no query."""
    if payment_method is not None and (payment_method != INVOICE_METHOD or company_id is None):
        return
    _safely(issue_invoice, order_id=order_id)


def on_order_status_changed(sender=None, *, order_id, kind, to_status, **kwargs) -> None:
    """``orders.events.order_status_changed``: issue on reaching pending (after an approval),
    void on cancel, paid when the order's payment status says so."""
    if kind == "status" and to_status == OrderStatus.PENDING:
        _safely(issue_invoice, order_id=order_id)
    elif kind in ("status", "payment_status"):
        _safely(sync_invoice, order_id=order_id)


def _safely(service, **kwargs) -> None:
    # A receiver runs after the order's commit, inside someone else's request: a failure here
    # must not turn their answer into an error. The periodic task issues what was missed.
    try:
        service(**kwargs)
    except Exception:
        logger.exception("b2b invoicing: %s(%s) failed", service.__name__, kwargs)


def issue_missing_invoices(*, limit: int = 500) -> int:
    """Issue the invoices a receiver missed (orders paid by invoice, past approval, not
    cancelled, without an invoice). Answers how many were issued."""
    missing = (
        Order.objects.filter(
            payment_method=INVOICE_METHOD, company__isnull=False, invoice__isnull=True
        )
        .exclude(status__in=NOT_INVOICED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in list(missing) if issue_invoice(order_id=pk) is not None)


def record_invoice_payment(*, invoice: Invoice, amount=None, actor=None, note: str = ""):
    """Staff received ``amount`` (default: what is still due) for ``invoice``.

    Recorded through the payments app's manual path, as cash on delivery is: the order's open
    "invoice" payment (started if there is none) is marked paid with the amount
    (``payments.services.mark_paid``: the payment's and the order's history, the order's
    payment status); the invoice follows (PAID once the order is paid). Refused: a void or paid
    invoice (IllegalTransition 409), an amount that is not positive, too large or too precise
    (400 ``amount``)."""
    from payments import services as payment_services
    from payments.gateway import PaymentState
    from payments.models import Payment

    current = Invoice.objects.select_related("order").get(pk=invoice.pk)
    if current.status not in OPEN_STATUSES:
        raise state.IllegalTransition(
            f"Invoice {current.number} is {InvoiceStatus(current.status).label.lower()}: "
            "no payment can be recorded.",
            fields={"status": [f"Not allowed when {current.status}."]},
        )
    order = current.order
    if amount in (None, ""):
        amount = outstanding(current)
    value = _amount(amount, current.currency)
    note = str(note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise InvoiceError(
            "The note is too long.", fields={"note": [f"At most {NOTE_MAX_LENGTH} characters."]}
        )
    payment = (
        Payment.objects.filter(order=order, method=INVOICE_METHOD)
        .exclude(state__in=(PaymentState.FAILED, PaymentState.CANCELLED))
        .order_by("pk")
        .first()
    )
    if payment is None:
        payment = payment_services.create_payment_for_order(
            order=order, method=INVOICE_METHOD
        ).payment
    payment_services.mark_paid(payment=payment, amount=value, actor=actor, note=note)
    sync_invoice(order_id=order.pk, actor=actor)
    current.refresh_from_db()
    return current


def outstanding(invoice: Invoice) -> Decimal:
    """What is still due on ``invoice``: its amount less what its order received and less
    the credits recorded against it (refunds, :func:`owed`); never below zero, nothing on a
    void invoice."""
    if invoice.status == InvoiceStatus.VOID:
        return Decimal(0)
    order = invoice.order
    return max(owed(invoice.amount, order.amount_paid, order.amount_refunded), Decimal(0))


def credited(amount: Decimal, paid: Decimal, refunded: Decimal) -> Decimal:
    """The part of ``refunded`` that is a credit against an invoice of ``amount``.

    A refund of an order paid by invoice moves no money (payments.providers.invoice): it is a
    credit note. Only what was paid above the invoice's amount (an overpayment) is money that
    goes back; a refund beyond that credits the invoice: what is due decreases, and once the
    invoice is paid the credit stays on the company's balance (b2b.purchasing.credit uses the
    same rule in SQL)."""
    overpaid = max(paid - amount, Decimal(0))
    return max(refunded - overpaid, Decimal(0))


def owed(amount: Decimal, paid: Decimal, refunded: Decimal) -> Decimal:
    """What the company owes on an invoice of ``amount`` after ``paid`` and ``refunded``
    (negative: a credit in its favour). An overpayment given back is owed again; a credit is
    not."""
    return amount - paid + refunded - 2 * credited(amount, paid, refunded)


def _amount(value, currency: str) -> Decimal:
    try:
        amount = Decimal(str(getattr(value, "amount", value)).strip())
    except (InvalidOperation, ValueError):
        raise InvoiceError("Enter an amount.", fields={"amount": ["Enter a number."]}) from None
    if not amount.is_finite() or amount <= 0:
        raise InvoiceError("The amount must be positive.", fields={"amount": ["More than 0."]})
    if amount >= Decimal("1e10"):
        raise InvoiceError("The amount is too large.", fields={"amount": ["Too large."]})
    if money.quantize(amount, currency) != amount:
        raise InvoiceError(
            "Too many decimals.", fields={"amount": [f"Whole {currency} minor units only."]}
        )
    return amount


# --- Overdue and reminders ---------------------------------------------------------------------


def mark_overdue_and_remind(*, today: date | None = None, limit: int = 500) -> dict[str, int]:
    """Move this store's open invoices whose due date has passed to OVERDUE (recorded), then
    send each overdue invoice's one reminder. Idempotent: run twice, nothing more happens."""
    today = today or timezone.localdate()
    counts = {"overdue": 0, "reminded": 0}
    due = Invoice.objects.filter(status=InvoiceStatus.OPEN, due_on__lt=today).order_by("pk")
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update().get(pk=pk)
            if invoice.status == InvoiceStatus.OPEN and invoice.due_on < today:
                _move(invoice, InvoiceStatus.OVERDUE, note=f"Due on {invoice.due_on}.")
                counts["overdue"] += 1
    waiting = Invoice.objects.filter(status=InvoiceStatus.OVERDUE, reminder_sent_at__isnull=True)
    for pk in list(waiting.order_by("pk").values_list("pk", flat=True)[:limit]):
        if send_reminder(invoice_id=pk):
            counts["reminded"] += 1
    return counts


def send_reminder(*, invoice_id: int) -> bool:
    """Send the overdue reminder of an invoice unless it was sent (answers whether it sent
    now). The claim is one conditional UPDATE; a failed send gives it back for a retry."""
    now = timezone.now()
    claimed = Invoice.objects.filter(
        pk=invoice_id, status=InvoiceStatus.OVERDUE, reminder_sent_at__isnull=True
    ).update(reminder_sent_at=now)
    if not claimed:
        return False
    invoice = Invoice.objects.select_related("order", "company").get(pk=invoice_id)
    recipient = invoice.order.email
    try:
        if recipient:
            tenant = getattr(connection, "tenant", None)
            context = {
                "invoice": invoice,
                "store_name": getattr(tenant, "name", "") or "our store",
                "store_url": getattr(tenant, "url", "") or "",
                "amount": money.format_money(outstanding(invoice), invoice.currency),
            }
            send_mail(
                subject=f"Invoice {invoice.number} is overdue",
                message=render_to_string("b2b/invoicing/email/overdue.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[recipient],
            )
    except Exception:
        Invoice.objects.filter(pk=invoice_id).update(reminder_sent_at=None)
        raise
    return bool(recipient)


# --- Statements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    on: date
    kind: str  # "invoice", "payment", "credit", "refund" or "void"
    reference: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    company: Company
    date_from: date
    date_to: date
    currency: str
    opening_balance: Decimal
    lines: list[StatementLine] = field(default_factory=list)
    closing_balance: Decimal = Decimal(0)

    @property
    def invoiced(self) -> Decimal:
        return sum((line.debit for line in self.lines), Decimal(0))

    @property
    def paid(self) -> Decimal:
        return sum((line.credit for line in self.lines), Decimal(0))


def statement(*, company: Company, date_from: date, date_to: date) -> Statement:
    """A company's statement from ``date_from`` to ``date_to`` (both included, store dates).

    A ledger of dated entries, each on the day it happened and never rewritten later: an
    invoice issued (debit), a payment received (credit), a refund (a credit against the
    invoice, :func:`credited`; what gives back an overpayment, or money received on a void
    invoice, is a debit), a void (a cancelled order: a credit of what was left of the invoice,
    on the day it was voided). The opening balance is the sum of the entries dated before
    ``date_from``, so a period's statement does not change when something happens later; then
    the period's entries, oldest first, with the running balance, and the closing balance
    (negative: a credit in the company's favour). Three queries whatever the number of
    invoices."""
    voided_at = (
        InvoiceEvent.objects.filter(invoice=OuterRef("pk"), to_status=InvoiceStatus.VOID)
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    invoices = list(
        Invoice.objects.filter(company=company, issued_on__lte=date_to)
        .annotate(voided_at=Subquery(voided_at))
        .select_related("order")
        .order_by("issued_on", "number")
    )
    currency = invoices[0].currency if invoices else money.store_currency()
    events: dict[int, list] = {invoice.order_id: [] for invoice in invoices}
    for event in OrderEvent.objects.filter(
        order_id__in=list(events), kind__in=(OrderEvent.Kind.PAYMENT, OrderEvent.Kind.REFUND)
    ).order_by("created_at", "pk"):
        events[event.order_id].append(event)
    entries: list[tuple[tuple, StatementLine]] = []
    for invoice in invoices:
        entries.extend(_ledger(invoice, events[invoice.order_id], date_to))
    entries.sort(key=lambda entry: entry[0])
    opening = Decimal(0)
    balance = None
    lines = []
    for _, line in entries:
        if line.on < date_from:
            opening += line.debit - line.credit
            continue
        balance = (opening if balance is None else balance) + line.debit - line.credit
        lines.append(
            StatementLine(**{**line.__dict__, "balance": money.quantize(balance, currency)})
        )
    closing = opening if balance is None else balance
    return Statement(
        company=company,
        date_from=date_from,
        date_to=date_to,
        currency=currency,
        opening_balance=money.quantize(opening, currency),
        lines=lines,
        closing_balance=money.quantize(closing, currency),
    )


def _ledger(invoice: Invoice, events, date_to: date):
    """The dated entries of one invoice up to ``date_to``: (sort key, line) pairs."""
    number = str(invoice.number)
    zero = Decimal(0)

    def line(on, kind, description, debit=zero, credit=zero):
        return StatementLine(on, kind, number, description, debit, credit, zero)

    yield (
        (invoice.issued_on, 0, invoice.number),
        line(
            invoice.issued_on,
            "invoice",
            f"Invoice {number}, order #{invoice.order.number}, due {invoice.due_on.isoformat()}",
            debit=invoice.amount,
        ),
    )
    moves = [(event.created_at, event.pk, event) for event in events]
    if invoice.voided_at is not None:
        moves.append((invoice.voided_at, 0, None))
    paid = refunded = credits = zero
    void = False
    for at, pk, event in sorted(moves, key=lambda move: (move[0], move[1])):
        on = timezone.localdate(at)
        if on > date_to:
            break
        key = (on, 1, at, pk)
        if event is None:
            void = True
            left = max(invoice.amount - credits, zero)
            yield key, line(on, "void", f"Invoice {number} void (order cancelled)", credit=left)
            continue
        try:
            amount = Decimal(str(event.data.get("amount", "0")))
        except (InvalidOperation, ValueError):
            continue
        if event.kind == OrderEvent.Kind.PAYMENT:
            paid += amount
            yield key, line(on, "payment", f"Payment on invoice {number}", credit=amount)
            continue
        credit = zero if void else credited(invoice.amount, paid, refunded + amount) - credits
        refunded += amount
        credits += credit
        if credit > 0:
            yield key, line(on, "credit", f"Credit on invoice {number} (refund)", credit=credit)
        if amount - credit > 0:
            yield key, line(on, "refund", f"Refund on invoice {number}", debit=amount - credit)


# --- Reads -------------------------------------------------------------------------------------


def invoices_of(*, company: Company | None = None, status: str = "", search: str = ""):
    """Invoices, newest first, with their order and company (one query per page): a company's
    (``company``) or the store's (staff), optionally by status or number / company name."""
    invoices = Invoice.objects.select_related("order", "company")
    if company is not None:
        invoices = invoices.filter(company=company)
    if status:
        invoices = invoices.filter(status=status)
    if search:
        query = Q(company__name__icontains=search)
        if search.isdigit() and len(search) < 10:
            query |= Q(number=int(search)) | Q(order__number=int(search))
        invoices = invoices.filter(query)
    return invoices.order_by("-issued_on", "-number")


def invoice_of(*, pk, company: Company | None = None) -> Invoice | None:
    """One invoice with its order and company, or None; a company's only when given (so a
    member of another company is told it does not exist)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**31:
        return None
    return invoices_of(company=company).filter(pk=pk).first()
