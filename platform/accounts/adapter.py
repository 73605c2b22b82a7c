"""allauth adapters: how the store's accounts are created and where links point."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.core.exceptions import PermissionDenied
from django.http import Http404

from config.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """People sign in by email; the username Django requires is the email, lower-cased."""

    def populate_username(self, request, user) -> None:
        user.username = user.email.lower()

    def get_client_ip(self, request) -> str:
        """The trusted client IP (``TRUSTED_PROXY_COUNT``): allauth's per-IP rate limits and
        lockouts count the client, not the load balancer in front of it."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


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
