"""The API's door to the permission layer (accounts.permissions).

A view declares what each method needs, and nothing else::

    required_permissions = {"GET": VIEW_API_KEYS, "POST": ADD_API_KEYS}
    api_key_scopes = {"GET": "catalog:read"}      # only where API keys are accepted

A method missing from ``required_permissions`` is refused to everyone (``None`` means "any
signed-in person"); a person authenticated by API key passes only where the view lists a scope
their key holds. Later issues' views declare the same two attributes.
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
            scope = getattr(view, "api_key_scopes", {}).get(request.method)
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
