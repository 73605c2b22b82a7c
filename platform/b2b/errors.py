"""The B2B channel's domain errors, answered by the API in its one error shape
(config.api_errors). Each concern adds its own below its heading."""

from rest_framework import status

from config.api_errors import DomainError

# --- Companies (b2b.companies) ---------------------------------------------------------------


class ApplicationInvalid(DomainError):
    """A company application (or a change of a company) with invalid fields."""

    code = "invalid"


class AlreadyInCompany(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_member"


class StaffCannotApply(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "staff_cannot_join_company"


class IllegalCompanyTransition(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "illegal_transition"


class LastCompanyAdmin(DomainError):
    """A company always keeps an admin, who manages its members."""

    status_code = status.HTTP_409_CONFLICT
    code = "last_company_admin"


class CompanyNotApproved(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "company_not_approved"


# --- Purchasing (b2b.purchasing) --------------------------------------------------------------


class PoNumberInUse(DomainError):
    """The company already has an order with this PO number (another company may reuse it)."""

    code = "po_number_in_use"


class CreditLimitExceeded(DomainError):
    """Paying by invoice would take the company's open balance above its credit limit.
    Nothing was placed."""

    code = "credit_limit_exceeded"


class NotAllowedToDecide(DomainError):
    """The person may not approve or reject this order (not an approver or admin of its
    company, or it is their own order)."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class InvalidDecision(DomainError):
    """A decision's input is not acceptable (a rejection without a reason, a note too long)."""

    code = "invalid"


class InvalidCompanyOrder(DomainError):
    """An order of the B2B order API that cannot be placed as given (``fields``: per line)."""

    code = "invalid"


# --- Pricing (b2b.pricing) --------------------------------------------------------------------


class PricingError(DomainError):
    """A customer group, price list, entry or volume break refused (reasons in ``fields``)."""

    code = "invalid"


# --- Invoices and quotes (b2b.invoicing, b2b.quotes) --------------------------------------------


class IllegalTransition(DomainError):
    """An invoice's or a quote's state machine (b2b.state) has no such move from where it
    stands. Nothing changed."""

    status_code = status.HTTP_409_CONFLICT
    code = "illegal_transition"


class InvoiceError(DomainError):
    """An invoice action refused (bad input: field by field). Nothing changed."""

    code = "invalid_invoice"


class QuoteError(DomainError):
    """A quote request or answer refused (an empty cart, a missing price...). Nothing changed."""

    code = "invalid_quote"


class QuoteExpired(DomainError):
    """The offer's ``valid_until`` has passed: it can no longer be accepted. Nothing placed."""

    code = "quote_expired"


# --- Bulk purchasing (quick order, CSV upload, reorder, requisition lists) ------------------


class TooManyLines(DomainError):
    """A quick order, CSV file or list longer than ``b2b.bulk.lines.MAX_LINES`` (400)."""

    code = "too_many_lines"


class MalformedOrderFile(DomainError):
    """An uploaded order file that cannot be read as CSV (not UTF-8, too large, binary)."""

    code = "malformed_file"


class QuickOrderRefused(DomainError):
    """Some lines of a quick order cannot be added: nothing was added. ``fields`` names each
    refused line (``lines.<index>.sku`` / ``lines.<index>.quantity``); ``report`` is the whole
    row-by-row report."""

    code = "invalid_lines"

    def __init__(self, message: str, *, fields=None, report=None):
        super().__init__(message, fields=fields)
        self.report = report


class RequisitionListNotFound(DomainError):
    """No list of the caller's company has this id (another company's list included)."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class RequisitionListForbidden(DomainError):
    """The list is the company's, but only its maker and the company's admins change it."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class RequisitionListInvalid(DomainError):
    """A list's name, SKU or quantity refused (400, field by field, nothing changed)."""

    code = "invalid"


class OrderNotFound(DomainError):
    """No order of the caller (or of their company) has this number (404)."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
