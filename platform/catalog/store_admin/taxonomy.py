"""Store admin: the catalog's taxonomy (categories as a tree, brands, attributes, product types).

Wagtail ``ModelViewSet``s whose forms only validate input: every write is a call of a
catalog service (catalog.services), whose domain errors are shown next to the fields they
name, with everything typed kept. Who may do what is Wagtail's model permission policy, which
asks ``user.has_perm`` and so the one role layer (accounts.permissions).
"""

from functools import wraps

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.defaults import permission_denied
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from catalog import services
from catalog.models import Attribute, AttributeOption, Brand, Category, ProductType
from config.api_errors import DomainError

TEMPLATES = "catalog/store_admin/"
SLUG_HELP = "Used in the storefront's addresses. Made from the name when left empty."


# --- What every screen here shares -------------------------------------------------------------


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
    once per person, permission and request: a listing asks for every row's buttons, and
    each answer of the role layer reads the store's security policy (a query)."""

    def user_has_permission(self, user, action):
        answers = user.__dict__.setdefault("_store_admin_permissions", {})
        name = self._get_permission_name(action)
        if name not in answers:
            answers[name] = user.has_perm(name)
        return answers[name]


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


answered_by_roles(Category, Brand, Attribute, ProductType)


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


# --- Categories --------------------------------------------------------------------------------


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories as an indented list, in tree order."""

    def label_from_instance(self, category: Category) -> str:
        return f"{'— ' * (category.depth - 1)}{category.name}"


def category_choices(**kwargs) -> CategoryChoiceField:
    return CategoryChoiceField(
        queryset=Category.objects.order_by("path"),
        required=False,
        empty_label="(top level)",
        **kwargs,
    )


class CategoryForm(SlugFromName, ServiceForm):
    slug = forms.SlugField(max_length=140, required=False, help_text=SLUG_HELP)
    parent = category_choices(help_text="The category this one is shown under.")

    class Meta:
        model = Category
        fields = [
            "name",
            "slug",
            "parent",
            "description",
            "is_active",
            "seo_title",
            "seo_description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "is_active": "Shown in the storefront",
            "seo_title": "Title for search engines",
            "seo_description": "Description for search engines",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["parent"].initial = self.instance.get_parent()

    def texts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "parent"}


class CategoryIndexView(CountedIndexView):
    """The category tree, in tree order, each row indented by its depth; rows can be dragged
    onto another row (or the top level) to move them, or moved from their move page."""

    default_ordering = "path"
    annotations = {"product_count": Count("products")}
    results_template_name = TEMPLATES + "categories/index_results.html"
    move_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = self.permission_policy
        context.update(
            can_move=policy.user_has_permission(self.request.user, "change"),
            can_delete=policy.user_has_permission(self.request.user, "delete"),
            move_url_name=self.move_url_name,
            add_url_name=self.add_url_name,
            edit_url_name=self.edit_url_name,
            delete_url_name=self.delete_url_name,
            inspect_url_name=self.inspect_url_name,
        )
        return context


class CategoryCreateView(ServiceWriteMixin, generic.CreateView):
    def get_initial(self):
        # "Add a subcategory" links name the parent: ?parent=<id>.
        initial = super().get_initial()
        parent = self.request.GET.get("parent", "")
        if parent.isdigit():
            initial["parent"] = parent
        return initial

    def write(self):
        form = self.form
        return services.create_category(parent=form.cleaned_data["parent"], **form.texts())


class CategoryEditView(ServiceWriteMixin, generic.EditView):
    def write(self):
        form = self.form
        category = services.update_category(category=self.object, data=form.texts())
        parent = form.cleaned_data["parent"]
        current = category.get_parent()
        if (parent and parent.pk) != (current and current.pk):
            # In the view's transaction: a refused move leaves the texts unchanged too.
            category = services.move_category(category=category, parent=parent)
        return category


class CategoryDeleteView(ServiceDeleteMixin, generic.DeleteView):
    @property
    def confirmation_message(self):
        below = self.object.get_descendant_count()
        if not below:
            return f"Delete the category {self.object}? Its products stay, out of it."
        return (
            f"Delete the category {self.object} and its {below} subcategories? "
            "Their products stay, out of them."
        )

    def delete_action(self):
        services.delete_category(category=self.object)


class CategoryMoveForm(forms.Form):
    parent = category_choices(label="Move under")


class CategoryMoveView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Move a category (and its subtree) under another or to the top level.

    The page works without JavaScript (a select); the tree's drag and drop posts the same form
    with ``X-Requested-With: XMLHttpRequest`` and is answered in JSON.
    """

    model = Category
    permission_required = "change"
    form_class = CategoryMoveForm
    template_name = TEMPLATES + "categories/move.html"
    header_icon = "folder-open-inverse"
    index_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Category, pk=kwargs["pk"])

    def get_page_title(self):
        return f"Move {self.object}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Categories"},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_initial(self):
        return {"parent": self.object.get_parent()}

    @property
    def wants_json(self) -> bool:
        return self.request.headers.get("x-requested-with") == "XMLHttpRequest"

    def form_valid(self, form):
        try:
            with transaction.atomic():
                moved = services.move_category(
                    category=self.object, parent=form.cleaned_data["parent"]
                )
                log(instance=moved, action="wagtail.edit", user=self.request.user)
        except DomainError as error:
            show_domain_error(form, error)
            return self.form_invalid(form)
        message = f"{moved} moved under {moved.get_parent() or 'the top level'}."
        # Said on the next page too: the tree reloads after a drop.
        messages.success(self.request, message)
        if self.wants_json:
            return JsonResponse({"message": message})
        return redirect(self.index_url_name)

    def form_invalid(self, form):
        if self.wants_json:
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return JsonResponse({"errors": errors}, status=400)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(object=self.object, index_url=reverse(self.index_url_name))
        return context


class CategoryViewSet(CatalogViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = "Categories"
    add_to_admin_menu = False
    form_class = CategoryForm
    index_view_class = CategoryIndexView
    add_view_class = CategoryCreateView
    edit_view_class = CategoryEditView
    delete_view_class = CategoryDeleteView
    list_display = ["name", "slug", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    list_export = ["name", "slug", "depth", "is_active", "product_count", "seo_title"]
    export_headings = {"product_count": "Products"}
    list_per_page = 200
    ordering = "path"
    inspect_view_fields = ["name", "slug", "description", "is_active", "seo_title"]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(move_url_name=self.get_url_name("move"), **kwargs)

    @property
    def move_view(self):
        return self.construct_view(
            CategoryMoveView, index_url_name=self.get_url_name("index"), model=self.model
        )

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("move/<str:pk>/", self.move_view, name="move")]


# --- Brands ------------------------------------------------------------------------------------


class BrandForm(SlugFromName, ServiceForm):
    slug = forms.SlugField(max_length=140, required=False, help_text=SLUG_HELP)

    class Meta:
        model = Brand
        fields = ["name", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class BrandCreateView(ServiceWriteMixin, generic.CreateView):
    def write(self):
        return services.create_brand(**self.form.cleaned_data)


class BrandEditView(ServiceWriteMixin, generic.EditView):
    def write(self):
        return services.update_brand(brand=self.object, data=self.form.cleaned_data)


class BrandDeleteView(ServiceDeleteMixin, generic.DeleteView):
    def delete_action(self):
        services.delete_brand(brand=self.object)


class BrandFilterSet(WagtailFilterSet):
    has_products = django_filters.BooleanFilter(
        label="Has products", method="filter_has_products", widget=BooleanRadioSelect
    )

    class Meta:
        model = Brand
        fields = []

    def filter_has_products(self, queryset, name, value):
        # The listing's queryset carries product_count (BrandIndexView).
        return queryset.filter(product_count__gt=0) if value else queryset.filter(product_count=0)


class BrandIndexView(CountedIndexView):
    annotations = {"product_count": Count("products")}


class BrandViewSet(CatalogViewSet):
    model = Brand
    icon = "tag"
    menu_label = "Brands"
    form_class = BrandForm
    index_view_class = BrandIndexView
    add_view_class = BrandCreateView
    edit_view_class = BrandEditView
    delete_view_class = BrandDeleteView
    list_display = ["name", "slug", Column("product_count", label="Products")]
    filterset_class = BrandFilterSet
    search_fields = ["name", "slug"]
    list_export = ["name", "slug", "description", "product_count"]
    export_headings = {"product_count": "Products"}
    inspect_view_fields = ["name", "slug", "description"]


# --- Attributes and their options --------------------------------------------------------------


class AttributeForm(ServiceForm):
    class Meta:
        model = Attribute
        fields = ["name", "code", "type", "unit", "is_filterable"]
        labels = {"is_filterable": "Shoppers can filter by it"}
        help_texts = {"code": "Names the attribute in imports and exports (attr.<code>)."}


class OptionForm(forms.Form):
    """One option of a choice attribute; a row left empty is no option."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    value = forms.CharField(max_length=120, required=False)
    slug = forms.SlugField(max_length=140, required=False, help_text=SLUG_HELP)

    def clean(self):
        data = super().clean()
        if data.get("slug") and not data.get("value"):
            self.add_error("value", "Give the option's value, or clear its slug.")
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("value") or data.get("slug"))


class BaseOptionFormSet(forms.BaseFormSet):
    def options(self) -> list[dict]:
        """The options to keep, in order, each with a slug; a taken slug is a form error."""
        kept, seen = [], {}
        max_length = AttributeOption._meta.get_field("slug").max_length
        for index, form in enumerate(self.forms):
            if form.is_blank or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            slug = data["slug"] or services.slug_from(data["value"], max_length=max_length)
            if not slug:
                form.add_error("slug", services.NO_SLUG_MESSAGE)
            elif slug in seen:
                form.add_error("slug", f"{slug!r} is already the slug of option {seen[slug]}.")
            seen.setdefault(slug, index + 1)
            kept.append({"id": data["id"], "value": data["value"], "slug": slug})
        return kept


OptionFormSet = forms.formset_factory(
    OptionForm, formset=BaseOptionFormSet, extra=3, can_delete=True, max_num=500
)
CHOICE_TYPES = (Attribute.Type.CHOICE, Attribute.Type.MULTI_CHOICE)


class AttributeFormMixin(ServiceWriteMixin):
    """The attribute's form and, inline, its options (a formset). A service's refusal about
    options (a slug taken meanwhile) names no field of the attribute: it is said above the form."""

    @cached_property
    def options_formset(self):
        if self.request.method == "POST":
            return OptionFormSet(self.request.POST, prefix="options")
        existing = self.object.options.all() if getattr(self, "object", None) else []
        initial = [{"id": o.pk, "value": o.value, "slug": o.slug} for o in existing]
        return OptionFormSet(initial=initial, prefix="options")

    def is_valid(self, form):
        valid = super().is_valid(form)
        formset = self.options_formset
        if not formset.is_valid():
            valid = False
        elif valid:
            self.option_rows = formset.options()
            if any(option_form.errors for option_form in formset.forms):
                valid = False
            elif self.option_rows and form.cleaned_data["type"] not in CHOICE_TYPES:
                form.add_error("type", "Only choice attributes have options: clear them first.")
                valid = False
        if not valid:
            self.produced_error_message = self.get_error_message()
        return valid

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["options_formset"] = self.options_formset
        return context


class AttributeCreateView(AttributeFormMixin, generic.CreateView):
    def write(self):
        return services.create_attribute(data=self.form.cleaned_data, options=self.option_rows)


class AttributeEditView(AttributeFormMixin, generic.EditView):
    def write(self):
        return services.update_attribute(
            attribute=self.object, data=self.form.cleaned_data, options=self.option_rows
        )


class AttributeDeleteView(ServiceDeleteMixin, generic.DeleteView):
    @property
    def confirmation_message(self):
        return (
            f"Delete the attribute {self.object}? Its options and the values products and "
            "variants gave it are deleted too."
        )

    def delete_action(self):
        services.delete_attribute(attribute=self.object)


class OptionsColumn(Column):
    def get_value(self, instance):
        return ", ".join(option.value for option in instance.options.all())


class AttributeIndexView(CountedIndexView):
    prefetch = ("options",)


class AttributeViewSet(CatalogViewSet):
    model = Attribute
    icon = "list-ul"
    menu_label = "Attributes"
    form_class = AttributeForm
    index_view_class = AttributeIndexView
    add_view_class = AttributeCreateView
    edit_view_class = AttributeEditView
    delete_view_class = AttributeDeleteView
    create_template_name = TEMPLATES + "attributes/create.html"
    edit_template_name = TEMPLATES + "attributes/edit.html"
    list_display = ["name", "code", "type", "unit", "is_filterable", OptionsColumn("options")]
    list_filter = ["type", "is_filterable"]
    search_fields = ["name", "code"]
    list_export = ["name", "code", "type", "unit", "is_filterable"]
    inspect_view_fields = ["name", "code", "type", "unit", "is_filterable"]


# --- Product types -----------------------------------------------------------------------------


def attribute_choices(label: str, help_text: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Attribute.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class ProductTypeForm(SlugFromName, ServiceForm):
    slug = forms.SlugField(max_length=140, required=False, help_text=SLUG_HELP)
    product_attributes = attribute_choices(
        "Product attributes", "What products of this type are described by (material...)."
    )
    variant_attributes = attribute_choices(
        "Variant attributes", "What tells the variants apart (size, colour...)."
    )

    class Meta:
        model = ProductType
        fields = ["name", "slug", "product_attributes", "variant_attributes"]


class ProductTypeCreateView(ServiceWriteMixin, generic.CreateView):
    def write(self):
        return services.create_product_type(**self.form.cleaned_data)


class ProductTypeEditView(ServiceWriteMixin, generic.EditView):
    def write(self):
        data = dict(self.form.cleaned_data)
        return services.update_product_type(
            product_type=self.object,
            data=data,
            product_attributes=data.pop("product_attributes"),
            variant_attributes=data.pop("variant_attributes"),
        )


class ProductTypeDeleteView(ServiceDeleteMixin, generic.DeleteView):
    def delete_action(self):
        services.delete_product_type(product_type=self.object)


class AttributeNamesColumn(Column):
    def get_value(self, instance):
        return ", ".join(attribute.name for attribute in getattr(instance, self.accessor).all())


class ProductTypeIndexView(CountedIndexView):
    annotations = {"product_count": Count("products")}
    prefetch = ("product_attributes", "variant_attributes")


class ProductTypeViewSet(CatalogViewSet):
    model = ProductType
    url_prefix = "product-types"
    icon = "form"
    menu_label = "Product types"
    form_class = ProductTypeForm
    index_view_class = ProductTypeIndexView
    add_view_class = ProductTypeCreateView
    edit_view_class = ProductTypeEditView
    delete_view_class = ProductTypeDeleteView
    list_display = [
        "name",
        AttributeNamesColumn("product_attributes", label="Product attributes"),
        AttributeNamesColumn("variant_attributes", label="Variant attributes"),
        Column("product_count", label="Products"),
    ]
    list_filter = ["product_attributes", "variant_attributes"]
    search_fields = ["name", "slug"]
    list_export = ["name", "slug", "product_count"]
    export_headings = {"product_count": "Products"}
    inspect_view_fields = ["name", "slug", "product_attributes", "variant_attributes"]
