"""Who may open a store admin screen, and the answer to those who may not.

Wagtail lets in whoever holds ``wagtailadmin.access_admin`` (store staff); each screen then
asks the one permission layer (accounts.permissions) for what it needs. A member of staff
without it gets 403 and a page saying who may (as the Billing page always did), never a
silent redirect; people who are not staff never reach a screen (Wagtail sends them to the
sign-in page).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.permissions import has_permission

FORBIDDEN_TEMPLATE = "tenants/store_admin/forbidden.html"


def refuse(request, *, title: str, reason: str):
    """The 403 page of a screen ``request.user`` may not open."""
    return render(request, FORBIDDEN_TEMPLATE, {"title": title, "reason": reason}, status=403)


def requires_permission(permission: str, *, title: str, reason: str):
    """Decorate a view that only holders of ``permission`` may open (403 page otherwise)."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not has_permission(request.user, permission):
                return refuse(request, title=title, reason=reason)
            return view(request, *args, **kwargs)

        return guarded

    return decorator


class RequiresPermissionMixin:
    """For class-based screens (Wagtail's generic views): ``required_permission`` or a 403
    page with ``refusal_title`` and ``refusal_reason``."""

    required_permission: str = ""
    refusal_title = "Not allowed"
    refusal_reason = "Your role in this store does not allow this."

    def dispatch(self, request, *args, **kwargs):
        if not has_permission(request.user, self.required_permission):
            return refuse(request, title=self.refusal_title, reason=self.refusal_reason)
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return refuse(request, title=self.refusal_title, reason=self.refusal_reason)
