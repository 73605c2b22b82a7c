"""Settings > Security: whether the store's staff must use two-factor authentication
(accounts.services.set_store_security)."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.models import StoreSecurity, User
from accounts.permissions import CHANGE_STORE_SECURITY
from config.api_errors import DomainError
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import StoreSecurityForm, show_domain_error


@require_http_methods(["GET", "POST"])
@requires_permission(
    CHANGE_STORE_SECURITY,
    title="Security",
    reason="Only the store's owner sets the store's security policy.",
)
def security(request):
    policy = StoreSecurity.current()
    form = StoreSecurityForm(
        request.POST if request.method == "POST" else None,
        initial={"require_staff_mfa": policy.require_staff_mfa},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_store_security(
                require_staff_mfa=form.cleaned_data["require_staff_mfa"], by=request.user
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Security settings saved.")
            return redirect("store_security")
    totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    staff = (
        User.objects.exclude(staff_role="")
        .annotate(has_totp=Exists(totp))
        .order_by("email")
        .only("pk", "email", "first_name", "last_name", "staff_role")
    )
    return render(
        request,
        "tenants/store_admin/security.html",
        {"form": form, "policy": policy, "staff": staff},
        status=400 if form.is_bound and form.errors else 200,
    )
