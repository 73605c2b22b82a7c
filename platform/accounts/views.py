"""Storefront account pages: profile, address book, account deletion (sessions, CSRF)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.views.generic import RedirectView

from accounts import selectors, services
from accounts.errors import WrongPassword
from accounts.forms import AccountDeletionForm, AddressForm, ProfileForm
from config.api_errors import DomainError


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("account-profile")
    addresses = selectors.address_list(user=request.user)
    return render(request, "accounts/profile.html", {"form": form, "addresses": addresses})


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request, pk: int | None = None):
    address = None
    if pk is not None:
        address = get_object_or_404(selectors.address_list(user=request.user), pk=pk)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.save_address(user=request.user, address=address, **form.cleaned_data)
        return redirect("account-profile")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
@require_http_methods(["POST"])
def address_delete(request, pk: int):
    address = get_object_or_404(selectors.address_list(user=request.user), pk=pk)
    services.delete_address(address=address)
    return redirect("account-profile")


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = AccountDeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_account(user=request.user, password=form.cleaned_data["password"])
        except WrongPassword:
            form.add_error("password", "The password is not correct.")
        else:
            logout(request)
            return redirect("/")
    return render(request, "accounts/delete_account.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def company_invitation(request, secret: str):
    """The page an invitation's email links to: accept it, signed in with the invited email."""
    invitation = selectors.pending_invitation(secret=secret)
    if invitation is None:
        return render(request, "accounts/company_invitation.html", {}, status=404)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.accept_company_invitation(secret=secret, user=request.user)
        except DomainError as refusal:
            error, status = refusal.message, refusal.status_code
        else:
            messages.success(request, f"You now buy for {invitation.company.name}.")
            return redirect("account-profile")
    context = {"invitation": invitation, "error": error}
    return render(request, "accounts/company_invitation.html", context, status=status)


class StaffSignInRedirect(RedirectView):
    """A store's ``/admin/login/`` (and ``/django-admin/login/``): allauth's sign-in page, which
    then leads back to that admin. The ``next`` given is kept; without one, the admin's home is
    where the person was going (allauth's default, the storefront, is no admin's destination,
    and a suspended store's storefront is a 503)."""

    admin_home = "/admin/"

    def get_redirect_url(self, *args, **kwargs) -> str:
        query = self.request.META.get("QUERY_STRING", "")
        if "next" not in self.request.GET:
            query = "&".join(part for part in (query, f"next={self.admin_home}") if part)
        return f"{reverse('account_login')}?{query}"
