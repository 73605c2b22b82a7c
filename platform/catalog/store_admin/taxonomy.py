"""Store admin: brands, attributes (with their options inline) and product types.

Wagtail ``ModelViewSet``s whose forms only validate input: every write is a call of a
catalog service (catalog.services), whose domain errors are shown next to the fields they
name, with everything typed kept. Who may do what is Wagtail's model permission policy, which
asks ``user.has_perm`` and so the one role layer (accounts.permissions).
"""

import django_filters
from django import forms
from django.db.models import Count
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets import BooleanRadioSelect

from catalog import services
from catalog.models import Attribute, AttributeOption, Brand, ProductType
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
)

answered_by_roles(Brand, Attribute, ProductType)


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
