"""Settings > Notifications: where the store's own emails go (new orders, quote requests,
accepted quotes). Store configuration, so the owner's (CHANGE_STORE_DETAILS, as Store details);
other staff get the 403 page and no menu item. The write is one call of
``orders.services.set_staff_notification_email``, whose refusal is shown next to the field
with what was typed kept (400)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import CHANGE_STORE_DETAILS
from config.api_errors import DomainError
from orders import selectors, services
from orders.store_admin.forms import NotificationSettingsForm
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import show_domain_error

TITLE = "Notifications"
REASON = "Only the store's owner changes where the store's emails go."


@require_http_methods(["GET", "POST"])
@requires_permission(CHANGE_STORE_DETAILS, title=TITLE, reason=REASON)
def notification_settings(request):
    if request.method == "GET":
        current = selectors.staff_notification_email()
        form = NotificationSettingsForm(initial={"notify_staff_email": current})
        return _render(request, form)
    form = NotificationSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.set_staff_notification_email(
                email=form.cleaned_data["notify_staff_email"],
                actor_label=request.user.get_username(),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "The notification settings are saved.")
            return redirect("orders_notifications")
    return _render(request, form, status=400)


def _render(request, form, *, status: int = 200):
    return render(request, "orders/store_admin/notifications.html", {"form": form}, status=status)
