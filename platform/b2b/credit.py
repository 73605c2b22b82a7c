"""``b2b.credit.open_balance(company)``: the name the B2B helpers share (B2B-CONTRACT.md); the
rules live in :mod:`b2b.purchasing.credit`."""

from b2b.purchasing.credit import available_credit, open_balance

__all__ = ["available_credit", "open_balance"]
