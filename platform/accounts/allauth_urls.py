"""allauth's pages (sign-in, passwords, two-factor) with the project's own in front of them.

Stores include ``urlpatterns``; the platform host includes ``platform_urlpatterns``, where
nobody signs up (platform admins are created by ``createsuperuser`` or by another admin).
"""

from django.http import Http404
from django.urls import include, path

from accounts import two_factor_views


def _no_signup_at_the_platform(request):
    raise Http404("Platform admins are not created by signing up.")


urlpatterns = [
    path(
        "2fa/totp/activate/",
        two_factor_views.EnrolTOTPView.as_view(),
        name="mfa_activate_totp",
    ),
    path(
        "2fa/recovery-codes/",
        two_factor_views.RecoveryCodesView.as_view(),
        name="mfa_view_recovery_codes",
    ),
    path("", include("allauth.urls")),
]

platform_urlpatterns = [
    # Kept under allauth's name: the pages that link to it ask the adapter first, which
    # says that sign-up is closed here, and the address answers 404.
    path("signup/", _no_signup_at_the_platform, name="account_signup"),
    *urlpatterns,
]
