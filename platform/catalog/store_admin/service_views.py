"""What the catalog's store admin screens share: forms and views that write through the
catalog's services (their domain errors shown next to the fields), Wagtail's permission policy
answered by the one role layer, and refused writes answered 403.

The pattern, for the screens of other apps to follow: a form validates what was typed and never
saves a model; the view hands ``cleaned_data`` to a service (``write``/``delete_action``) and
turns a DomainError into form errors (``show_domain_error``); who may do what is
``user.has_perm``, through ``RolePermissionPolicy``; lists carry their counts and related names
from a constant number of queries (``CountedIndexView``).
"""

from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.views.defaults import permission_denied
from wagtail.admin import messages
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from catalog import services
from config.api_errors import DomainError

TEMPLATES = "catalog/store_admin/"
SLUG_HELP = "Used in the storefront's addresses. Made from the name when left empty."


def show_domain_error(form: forms.BaseForm, error: DomainError, *, renamed=None) -> None:
    """Put a service's refusal next to the fields it names (renamed by ``renamed``), or above
    the form when it names none of the form's fields."""
    shown = False
    for name, field_messages in error.fields.items():
        name = (renamed or {}).get(name, name)
        if name in form.fields:
            for message in field_messages:
                form.add_error(name, message)
            shown = True
    if not shown:
        form.add_error(None, error.message)


class RolePermissionPolicy(ModelPermissionPolicy):
    """Wagtail's model permission policy, answering from the role layer (``user.has_perm``)
    instead of Wagtail's own query of users by group and permission rows."""

    def user_has_permission(self, user, action):
        return user.has_perm(self._get_permission_name(action))


def answered_by_roles(*models) -> None:
    """Register RolePermissionPolicy for these models (before their viewsets are)."""
    for model in models:
        register_permission_policy(model, RolePermissionPolicy(model))


def refusing_writes_with_403(view):
    """A write (POST) the person may not make is answered 403 Forbidden; a page they may not
    open sends them back to the dashboard with Wagtail's message (the admin's own way)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as refused:
            if request.method in ("GET", "HEAD"):
                raise
            return permission_denied(request, refused)

    return checked


class ServiceForm(WagtailAdminModelForm):
    """A model form that only validates what was typed: it never builds nor saves the model
    (the view hands ``cleaned_data`` to a service, which checks the rest and writes)."""

    def _post_clean(self):
        # Model validation is the service's: a duplicate slug comes back as its field error.
        pass


class SlugFromName:
    """A form whose empty slug is made from the name, as the services make it on create, so
    that an edit never stores an empty slug."""

    def clean_slug(self):
        slug, name = self.cleaned_data.get("slug"), self.cleaned_data.get("name")
        if slug or not name:
            return slug
        max_length = self._meta.model._meta.get_field("slug").max_length
        slug = services.slug_from(name, max_length=max_length)
        if not slug:
            raise forms.ValidationError(services.NO_SLUG_MESSAGE)
        return slug


class ServiceWriteMixin:
    """Create and edit views that save through a service (``write``); a domain error
    re-renders the form with the error next to its field and nothing typed lost. The change
    is logged for the object's history, as Wagtail's own saves are."""

    def write(self):
        raise NotImplementedError

    def save_instance(self):
        instance = self.write()
        action = "wagtail.edit" if isinstance(self, generic.EditView) else "wagtail.create"
        log(instance=instance, action=action, user=self.request.user)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            show_domain_error(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ServiceDeleteMixin:
    """Delete views that delete through a service (``delete_action``); a refusal is said,
    nothing deleted. The deletion is logged, as Wagtail's own are."""

    def form_valid(self, form):
        # The service says whether the object may go, and why not; Wagtail's own check (its
        # reference index finding a protecting foreign key) would answer a bare 403 instead.
        self.usage = None
        try:
            with transaction.atomic():  # a refused deletion takes its log entry with it
                log(instance=self.object, action="wagtail.delete", user=self.request.user)
                return super().form_valid(form)
        except DomainError as error:
            messages.error(self.request, error.message)
            return redirect(self.get_delete_url())


class CountedIndexView(generic.IndexView):
    """An index whose rows carry counts (products of a brand...) from the one listing query."""

    annotations: dict = {}
    prefetch: tuple = ()

    def get_base_queryset(self):
        queryset = super().get_base_queryset().annotate(**self.annotations)
        return queryset.prefetch_related(*self.prefetch)


class CatalogViewSet(ModelViewSet):
    """What the taxonomy's viewsets share: inspect and list export on, copy and Wagtail's
    reference index off (these models are linked by foreign keys, not by content)."""

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    # Explicit: a listing with counts (GROUP BY) does not keep the model's default ordering.
    ordering = "name"

    def get_form_class(self, for_update=False):
        return self.form_class

    def construct_view(self, view_class, **kwargs):
        return refusing_writes_with_403(super().construct_view(view_class, **kwargs))


def paginated(rows, request, *, per_page: int) -> dict:
    """A page of ``rows`` (``?p=``) and what Wagtail's pagination_nav.html needs."""
    paginator = WagtailPaginator(rows, per_page)
    page = paginator.get_page(request.GET.get("p"))
    return {
        "page_obj": page,
        "elided_page_range": paginator.get_elided_page_range(page.number),
    }


class PermittedViewSet(ViewSet):
    """A viewset of our own views whose menu item shows to those holding one of
    ``menu_permissions`` (the role layer, through ``user.has_perm``)."""

    menu_permissions: tuple[str, ...] = ()

    @cached_property
    def menu_item_class(self):
        permissions = self.menu_permissions

        def is_shown(_self, request):
            return any(request.user.has_perm(permission) for permission in permissions)

        return type(f"{type(self).__name__}MenuItem", (MenuItem,), {"is_shown": is_shown})

    def construct_view(self, view_class, **kwargs):
        return refusing_writes_with_403(super().construct_view(view_class, **kwargs))
