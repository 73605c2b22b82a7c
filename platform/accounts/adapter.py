"""allauth adapters: how the store's accounts are created and where links point."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.core import context as allauth_context
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.contrib.sites.requests import RequestSite
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from config.client_ip import client_ip


def _at_platform() -> bool:
    return connection.schema_name == "public"


def _store_name() -> str:
    """The current store's name ("" at the platform host)."""
    if _at_platform():
        return ""
    return getattr(getattr(connection, "tenant", None), "name", "") or ""


class AccountAdapter(DefaultAccountAdapter):
    """People sign in by email; the username Django requires is the email, lower-cased.

    At the platform host (public schema) the only accounts are platform admins, created by
    ``createsuperuser`` or by another admin: nobody signs up there.
    """

    def populate_username(self, request, user) -> None:
        user.username = user.email.lower()

    def is_open_for_signup(self, request) -> bool:
        return not _at_platform()

    def get_login_redirect_url(self, request) -> str:
        if _at_platform() and request.user.is_staff:
            return "/admin/"
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # The "no account with this address" mail exists to offer a sign-up, which the
        # platform host does not have: a password reset for an unknown address sends nothing.
        if _at_platform() and template_prefix == "account/email/unknown_account":
            return
        # allauth's mails greet with the site's name ("Hello from ..."), which without the sites
        # framework is the host: a store's shoppers read the store's name, its host stays the link.
        store = _store_name()
        request = context.get("request") or allauth_context.request
        if store and request is not None:
            site = RequestSite(request)
            site.name = store
            context = {**context, "current_site": site}
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        store = _store_name()
        if store and account_settings.EMAIL_SUBJECT_PREFIX is None:
            return f"[{store}] {subject}"
        return super().format_email_subject(subject)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A sign-in completed a moment ago is proof enough: the password (and the second
        factor, for an account that has one) entered within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``
        is not asked again, so that enrolling TOTP right after signing in (as every platform
        admin does on their first sign-in) asks for the password once."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not _signed_in_recently_with_every_factor(allauth_context.request)

    def get_client_ip(self, request) -> str:
        """The trusted client IP (``TRUSTED_PROXY_COUNT``): allauth's per-IP rate limits and
        lockouts count the client, not the load balancer in front of it."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


def _signed_in_recently_with_every_factor(request) -> bool:
    if request is None or not request.user.is_authenticated:
        return False
    oldest_allowed = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    fresh = {
        record.get("method")
        for record in request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
        if record.get("at", 0) >= oldest_allowed
    }
    if "password" not in fresh:
        return False
    return "mfa" in fresh or not is_mfa_enabled(request.user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Each store's OAuth clients are the SocialApp rows in its own schema, entered by its
    owner in the store admin; a provider the store has not configured does not exist there.
    Accounts created by Google or Facebook get the same username rule."""

    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise Http404(f"{provider} login is not available at this store") from error

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if user.email:
            user.username = user.email.lower()
        return user
