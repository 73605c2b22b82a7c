"""Two-factor authentication for the admin: staff of a store that requires it, and every
platform admin, reach the admin only after enrolling TOTP and signing in with it."""

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import logout
from django.db import connection
from django.shortcuts import redirect
from django.urls import reverse

from accounts.permissions import staff_mfa_missing

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIXES) and _is_staff(request.user):
            if staff_mfa_missing(request.user):
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
            if is_mfa_enabled(request.user) and not _signed_in_with_mfa(request):
                # Signed in some other way (e.g. the plain admin login form): sign in again,
                # through the login page that asks for the code.
                logout(request)
                return redirect(f"{reverse('account_login')}?next={request.path}")
        return self.get_response(request)


def _is_staff(user) -> bool:
    if not user.is_authenticated:
        return False
    if connection.schema_name == "public":
        return user.is_staff or user.is_superuser
    return bool(user.staff_role) or user.is_staff


def _signed_in_with_mfa(request) -> bool:
    methods = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    return any(method.get("method") == "mfa" for method in methods)
