"""A company's status: one transition table, one function that moves a company.

::

    pending ──> approved
       │           ^
       └─> rejected┘

An application starts pending. Staff approve it (its members buy as a business from then on)
or reject it with a note (its members buy as consumers); a rejected company may be approved
later (new documents, a second look). An approved company is never sent back: its orders,
invoices and credit are a history. Every move is a :class:`CompanyStatusChange` (who, when,
from, to, note); a move the table does not have raises IllegalCompanyTransition (409).
"""

from __future__ import annotations

from accounts.models import Company
from b2b.errors import IllegalCompanyTransition
from b2b.models import CompanyStatusChange

S = Company.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.APPROVED, S.REJECTED}),
    S.REJECTED: frozenset({S.APPROVED}),
    S.APPROVED: frozenset(),
}


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def move(company: Company, to_status: str, *, by, note: str = "") -> CompanyStatusChange:
    """Move ``company`` (a row locked by the caller) to ``to_status`` and record it."""
    if not can_transition(company.status, to_status):
        raise IllegalCompanyTransition(
            f"{company.name} is {S(company.status).label.lower()}; it cannot become "
            f"{S(to_status).label.lower()}."
        )
    change = CompanyStatusChange.objects.create(
        company=company, from_status=company.status, to_status=to_status, note=note, by=by
    )
    company.status = to_status
    company.save(update_fields=["status"])
    return change
