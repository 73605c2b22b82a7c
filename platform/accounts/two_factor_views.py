"""Two-factor enrolment pages, in front of allauth's: enrolling leads back to where the person
was going (the admin, for staff sent to enrol by accounts.middleware), not to a dead end."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import urlencode

# Where to go once enrolled: the page the person was sent to enrol from.
_AFTER_ENROLMENT_SESSION_KEY = "mfa_enrolment_next"


class EnrolTOTPView(ActivateTOTPView):
    """allauth's TOTP activation; afterwards, the recovery codes (shown once) and a way on."""

    def get(self, request, *args, **kwargs):
        next_url = get_next_redirect_url(request)
        if next_url:
            # allauth's form posts to the bare URL: keep the destination for after the POST.
            request.session[_AFTER_ENROLMENT_SESSION_KEY] = next_url
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        # The code just entered proves the second factor, as a sign-in with it would: the
        # admin (which requires a sign-in with two factors) opens without signing in again.
        authenticator = Authenticator.objects.get(
            user=self.request.user, type=Authenticator.Type.TOTP
        )
        record_authentication(
            self.request,
            self.request.user,
            "mfa",
            id=authenticator.pk,
            type=authenticator.type,
        )
        return response

    def get_success_url(self) -> str:
        next_url = self.request.session.pop(_AFTER_ENROLMENT_SESSION_KEY, None)
        if not self.did_generate_recovery_codes:
            return next_url or reverse("mfa_index")
        url = reverse("mfa_view_recovery_codes")
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class RecoveryCodesView(ViewRecoveryCodesView):
    """allauth's recovery codes page, with a "Continue" link to where the person was going."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["continue_url"] = get_next_redirect_url(self.request) or resolve_url(
            settings.LOGIN_REDIRECT_URL
        )
        return context
