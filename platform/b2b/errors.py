"""The B2B app's domain errors: the API maps them to its one error shape (config.api_errors)."""

from rest_framework import status

from config.api_errors import DomainError

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
