"""The API's door to the permission layer (accounts.permissions).

A view declares what each method needs, and nothing else::

    required_permissions = {"GET": VIEW_API_KEYS, "POST": ADD_API_KEYS}
    api_key_scopes = {"GET": "catalog:read"}          # where the store's own keys are accepted
    company_key_scopes = {"POST": "orders:place"}     # where a company's keys are accepted

A method missing from ``required_permissions`` is refused to everyone (``None`` means "any
signed-in person"). A request made with an API key passes only where the view lists a scope
the key holds, for the key's kind: the store's keys (integrations of the merchant) in
``api_key_scopes``, a company's keys (a B2B buyer's integration) in ``company_key_scopes``.
So staff endpoints, which list only ``api_key_scopes``, never answer a company's key: it
reaches what its company may reach as a buyer (the shop catalog at its prices, its own
orders). Later issues' views declare the same attributes.
"""

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts import permissions
from accounts.models import ApiKey

ANY_SCOPE = "*"  # in ``api_key_scopes``: any valid key may call this method


class RequiresPermission(BasePermission):
    message = "You do not have permission to perform this action."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if isinstance(request.auth, ApiKey):
            declared = "company_key_scopes" if request.auth.company_id else "api_key_scopes"
            scope = getattr(view, declared, {}).get(request.method)
            return scope == ANY_SCOPE or scope in request.auth.scopes
        required = getattr(view, "required_permissions", {})
        if request.method not in required:
            return False
        needed = required[request.method]
        if needed is None or permissions.has_permission(request.user, needed):
            return True
        if permissions.has_permission_once_enrolled(request.user, needed):
            raise PermissionDenied(
                "This store requires two-factor authentication for staff: enrol a TOTP "
                "authenticator first (/api/v1/auth/mfa/totp/).",
                code="mfa_enrollment_required",
            )
        return False
