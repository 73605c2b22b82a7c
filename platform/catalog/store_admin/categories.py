"""Store admin: the category tree. An indented list in tree order; a category is moved by
dragging its row onto another (HTML5 drag and drop) or from its move page (a select, no
JavaScript needed), always through catalog.services.move_category, which refuses cycles.
"""

from django import forms
from django.db import transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.images.widgets import AdminImageChooser
from wagtail.log_actions import log

from catalog import services
from catalog.models import Category
from catalog.store_admin.service_views import (
    SLUG_HELP,
    TEMPLATES,
    CatalogViewSet,
    CountedIndexView,
    ServiceDeleteMixin,
    ServiceForm,
    ServiceWriteMixin,
    SlugFromName,
    answered_by_roles,
    show_domain_error,
)
from config.api_errors import DomainError

answered_by_roles(Category)


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
            "image",
            "is_active",
            "seo_title",
            "seo_description",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "image": AdminImageChooser(),
        }
        help_texts = {"image": "Shown on the storefront's category cards and page."}
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
    inspect_view_fields = ["name", "slug", "description", "image", "is_active", "seo_title"]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(move_url_name=self.get_url_name("move"), **kwargs)

    @property
    def move_view(self):
        return self.construct_view(
            CategoryMoveView, index_url_name=self.get_url_name("index"), model=self.model
        )

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("move/<str:pk>/", self.move_view, name="move")]
