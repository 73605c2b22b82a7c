"""Who may buy on account (pay by invoice): one rule, asked by the payments interface.

A buyer may pay by invoice when they act for a company (a member signed in, or the company's
API key) that is APPROVED, whose payment terms are not prepaid, and that has a credit limit.
A company on net terms without a credit limit gets no credit: the store sets a limit to
extend credit (``accounts.Company.credit_limit``: "empty: no credit"). Anonymous shoppers,
B2C customers and the store's own API keys never see the method.
"""

from __future__ import annotations

from accounts.models import Company


def company_on_account(buyer) -> Company | None:
    """The company ``buyer`` (pricing.Buyer) buys on account for, or None."""
    company = getattr(buyer, "company", None)
    if company is None:
        return None
    api_key = getattr(buyer, "api_key", None)
    if api_key is not None and api_key.company_id != company.pk:
        return None
    return company if buys_on_account(company) else None


def buys_on_account(company: Company) -> bool:
    """Whether ``company`` (as read, or as locked at placement) may buy on account."""
    return (
        company.status == Company.Status.APPROVED
        and company.payment_terms != Company.PaymentTerms.PREPAID
        and company.credit_limit is not None
    )


def may_pay_by_invoice(buyer) -> bool:
    """Whether the "invoice / purchase order" method is offered to ``buyer``."""
    return company_on_account(buyer) is not None
