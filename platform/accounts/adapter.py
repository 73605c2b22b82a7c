"""allauth adapters: how the store's accounts are created and where links point."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """People sign in by email; the username Django requires is the email, lower-cased."""

    def populate_username(self, request, user) -> None:
        user.username = user.email.lower()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Accounts created by Google or Facebook get the same username rule."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if user.email:
            user.username = user.email.lower()
        return user
