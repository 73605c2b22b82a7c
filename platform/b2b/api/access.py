"""Who reaches the B2B invoices and quotes API, and which company's rows they see.

A view declares, per method, the staff permission that opens every company's rows
(``staff_permissions``), the company permission that opens the caller's own company's
(``company_permissions``: VIEW_COMPANY to read, PLACE_COMPANY_ORDERS to ask and accept) and
the scope a company's API key needs (``company_key_scopes``: ``orders:read`` to read,
``orders:place`` to ask and accept). The store's own keys reach none of it. :func:`company_of`
answers the company a request is limited to (None: staff, every company).
"""

from rest_framework.permissions import BasePermission

from accounts import permissions
from accounts.models import ApiKey

_SCOPE = "_b2b_company"


class CompanyOrStaff(BasePermission):
    message = "You do not have permission to perform this action."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        method = request.method
        if isinstance(request.auth, ApiKey):
            key = request.auth
            scope = getattr(view, "company_key_scopes", {}).get(method)
            if key.company_id is None or scope is None or scope not in key.scopes:
                return False
            setattr(request, _SCOPE, key.company)
            return True
        staff = getattr(view, "staff_permissions", {}).get(method)
        if staff and permissions.has_permission(request.user, staff):
            setattr(request, _SCOPE, None)
            return True
        needed = getattr(view, "company_permissions", {}).get(method)
        company = permissions.company_of(request.user)
        if needed and company is not None and permissions.has_permission(request.user, needed):
            setattr(request, _SCOPE, company)
            return True
        return False


def company_of(request):
    """The company the request is limited to (None for staff, who see every company)."""
    return getattr(request, _SCOPE, None)


def is_staff_request(request) -> bool:
    return not isinstance(request.auth, ApiKey) and getattr(request, _SCOPE, 0) is None
