"""Settings > Staff: who works on the store, with which role; invite, change a role, remove
(accounts.services: invite_staff_member, change_staff_role, remove_staff_member). The owner
is neither removed nor demoted."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.models import User
from accounts.permissions import MANAGE_STAFF
from config.api_errors import DomainError
from tenants.errors import PlanLimitReached
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import StaffInvitationForm, StaffRoleForm, show_domain_error

TITLE = "Staff"
REASON = "Only the store's owner manages its staff."


def _staff():
    totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    return (
        User.objects.exclude(staff_role="")
        .annotate(has_totp=Exists(totp))
        .order_by("date_joined", "pk")
    )


def _page(request, *, invitation: StaffInvitationForm, plan_limit: str = "", status: int = 200):
    return render(
        request,
        "tenants/store_admin/staff.html",
        {
            "staff": _staff(),
            "invitation": invitation,
            "role_form": StaffRoleForm(),
            "plan_limit": plan_limit,
            "billing_url": reverse("store_billing"),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_STAFF, title=TITLE, reason=REASON)
def staff(request):
    """The staff list and the invitation form (POST invites)."""
    if request.method != "POST":
        return _page(request, invitation=StaffInvitationForm())
    form = StaffInvitationForm(request.POST)
    if not form.is_valid():
        return _page(request, invitation=form, status=400)
    try:
        member = services.invite_staff_member(
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=request.user,
            site_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except PlanLimitReached as error:
        return _page(request, invitation=form, plan_limit=error.message, status=403)
    except DomainError as error:
        show_domain_error(form, error)
        return _page(request, invitation=form, status=400)
    messages.success(request, f"{member.email} was invited as {member.get_staff_role_display()}.")
    return redirect("store_staff")


def _member_or_404(pk: int) -> User:
    member = User.objects.exclude(staff_role="").filter(pk=pk).first()
    if member is None:
        raise Http404("No such member of staff.")
    return member


@require_POST
@requires_permission(MANAGE_STAFF, title=TITLE, reason=REASON)
def change_role(request, pk: int):
    member = _member_or_404(pk)
    form = StaffRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("store_staff")
    try:
        services.change_staff_role(user=member, role=form.cleaned_data["role"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{member.email} is now {member.get_staff_role_display()}.")
    return redirect("store_staff")


@require_POST
@requires_permission(MANAGE_STAFF, title=TITLE, reason=REASON)
def remove(request, pk: int):
    member = _member_or_404(pk)
    try:
        services.remove_staff_member(user=member, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{member.email} is no longer on the staff.")
    return redirect("store_staff")
