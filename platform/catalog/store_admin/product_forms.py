"""The product form of the store admin, as forms: the product and its typed attribute values,
its variants (option pickers, prices per channel, stock with a reason) and its images.

They only read and check what was typed: saving is catalog.store_admin.product_views' job,
through the catalog's services. ``edit_version`` is what tells a stale form.
"""

import hashlib
import json

from django import forms
from django.db.models import Q
from django.forms import BaseModelFormSet, modelformset_factory
from wagtail.admin.rich_text import DraftailRichTextArea

import money
from catalog import images, services
from catalog.models import (
    Attribute,
    AttributeValue,
    Category,
    Product,
    ProductImage,
    ProductType,
    ProductVariant,
    StockAdjustment,
)
from taxes.models import TaxClass

# Stock typed in a form: far beyond any shelf, well within the columns.
STOCK_LIMIT = 1_000_000_000
# What the description's editor may produce: text formatting, headings, lists and links.
DESCRIPTION_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "hr", "link"]
STOCK_REASONS = [
    (reason.value, reason.label)
    for reason in StockAdjustment.Reason
    if reason not in (StockAdjustment.Reason.SOLD, StockAdjustment.Reason.IMPORT)
]
# What the editor's input gives when its content state cannot be read (the editor itself always
# posts HTML it made, which never is this).
UNREADABLE = "\x1eunreadable"


class DescriptionEditor(DraftailRichTextArea):
    """Wagtail's Draftail editor; what it stores is HTML rebuilt from the editor's content
    state with the allowed features only (text escaped, link URLs checked), so nothing typed
    or posted reaches the storefront as raw HTML."""

    def __init__(self, **kwargs):
        super().__init__(features=DESCRIPTION_FEATURES, **kwargs)

    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, KeyError, AttributeError):
            return UNREADABLE


# --- The product -------------------------------------------------------------------------------


def attribute_field(attribute: Attribute) -> forms.Field:
    """The input of one typed attribute: text, number, yes/no, or its options."""
    label = attribute.name + (f" ({attribute.unit})" if attribute.unit else "")
    common = {"label": label, "required": False}
    if attribute.type == Attribute.Type.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=4, **common)
    if attribute.type == Attribute.Type.BOOLEAN:
        return forms.TypedChoiceField(
            choices=[("", "Not set"), ("true", "Yes"), ("false", "No")],
            coerce=lambda value: value == "true",
            empty_value=None,
            **common,
        )
    if attribute.type == Attribute.Type.CHOICE:
        return OptionChoiceField(options=attribute.options.all(), **common)
    if attribute.type == Attribute.Type.MULTI_CHOICE:
        return OptionsChoiceField(
            options=attribute.options.all(), widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=500, **common)


# The option pickers offer the options loaded with the attributes (prefetched), unlike Django's
# model choice fields, which query them again for every picker of every variant.


class OptionChoiceField(forms.ChoiceField):
    """One option of a choice attribute; cleans to the AttributeOption (or None)."""

    def __init__(self, *, options, **kwargs):
        self.options = {option.slug: option for option in options}
        choices = [("", "---------"), *((o.slug, o.value) for o in self.options.values())]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        slug = super().clean(value)
        return self.options.get(slug) if slug else None


class OptionsChoiceField(forms.MultipleChoiceField):
    """Options of a multiple-choice attribute; cleans to a list of AttributeOption."""

    def __init__(self, *, options, **kwargs):
        self.options = {option.slug: option for option in options}
        choices = [(option.slug, option.value) for option in self.options.values()]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        return [self.options[slug] for slug in super().clean(value)]


def attribute_service_value(attribute: Attribute, value):
    """What catalog.services.set_attribute_values takes for a cleaned input (None: unset)."""
    if value in (None, "") or (attribute.type == Attribute.Type.MULTI_CHOICE and not value):
        return None
    if attribute.type == Attribute.Type.CHOICE:
        return value.slug
    if attribute.type == Attribute.Type.MULTI_CHOICE:
        return [option.slug for option in value]
    return value


def attribute_display(attribute: Attribute, value) -> str:
    if attribute.type == Attribute.Type.CHOICE:
        return value.value
    if attribute.type == Attribute.Type.BOOLEAN:
        return "Yes" if value else "No"
    if attribute.type == Attribute.Type.NUMBER:
        return f"{value.normalize():f}"
    return str(value)


def stored_attribute_value(value: AttributeValue, attribute: Attribute):
    """The initial value of an attribute's input from what is stored."""
    if attribute.type == Attribute.Type.NUMBER:
        # 2.5, not the column's 2.5000 (and 100, not 1E+2).
        return None if value.number is None else f"{value.number.normalize():f}"
    if attribute.type == Attribute.Type.BOOLEAN:
        return "" if value.boolean is None else ("true" if value.boolean else "false")
    if attribute.type == Attribute.Type.CHOICE:
        option = next(iter(value.options.all()), None)
        return option.slug if option else None
    if attribute.type == Attribute.Type.MULTI_CHOICE:
        return [option.slug for option in value.options.all()]
    return value.text


def category_label(category: Category) -> str:
    # The tree, as indentation: depth 1 is a top-level category.
    return "— " * (category.depth - 1) + category.name


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return category_label(category)


class CategoryChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, category):
        return category_label(category)


class TaxClassChoice(forms.ModelChoiceField):
    def label_from_instance(self, tax_class):
        return f"{tax_class.name} (exempt)" if tax_class.is_exempt else tax_class.name


class ProductForm(forms.ModelForm):
    """The product's own fields and its attribute values (``attribute_<code>`` inputs)."""

    slug = forms.SlugField(
        max_length=220, required=False, help_text="Left empty, it is made from the name."
    )
    categories = CategoryChoices(
        queryset=Category.objects.order_by("path"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(widget=DescriptionEditor, required=False, strip=False)
    # Saved through taxes.services.set_product_tax_class (the catalog holds no tax column).
    tax_class = TaxClassChoice(
        queryset=TaxClass.objects.none(),
        required=False,
        help_text="How the product is taxed (Settings > Taxes lists the classes and rates).",
        error_messages={"invalid_choice": "Choose one of the store's tax classes."},
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Product
        fields = [
            "name",
            "slug",
            "description",
            "categories",
            "brand",
            "status",
            "visible_b2c",
            "visible_b2b",
            "seo_title",
            "seo_description",
        ]
        labels = {
            "visible_b2c": "Sold to consumers (B2C)",
            "visible_b2b": "Sold to businesses (B2B)",
            "seo_title": "Search engine title",
            "seo_description": "Search engine description",
        }
        widgets = {"seo_description": forms.Textarea}

    def __init__(self, *args, product_type: ProductType | None = None, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.product_type = product_type
        self._tax_class_choices()
        self.attributes = (
            list(product_type.product_attributes.prefetch_related("options"))
            if product_type
            else []
        )
        stored = {}
        if self.instance.pk:
            stored = {
                value.attribute_id: value
                for value in self.instance.attribute_values.prefetch_related("options")
            }
        for attribute in self.attributes:
            name = f"attribute_{attribute.code}"
            self.fields[name] = attribute_field(attribute)
            if attribute.pk in stored:
                self.initial[name] = stored_attribute_value(stored[attribute.pk], attribute)

    def attribute_fields(self):
        return [self[f"attribute_{attribute.code}"] for attribute in self.attributes]

    def main_fields(self):
        return [self[name] for name in (*self.Meta.fields, "tax_class")]

    def _tax_class_choices(self) -> None:
        """The store's classes, the default one as the empty choice ("Standard (the store's
        default)"); the product's own class chosen when it has one."""
        from taxes.selectors import default_tax_class, tax_class_ids_for_products

        field = self.fields["tax_class"]
        field.queryset = TaxClass.objects.filter(is_default=False).order_by("name", "pk")
        default = default_tax_class()
        field.empty_label = f"{default.name} (the store's default)" if default else "Default"
        if self.instance.pk and "tax_class" not in self.initial:
            own = tax_class_ids_for_products([self.instance.pk]).get(self.instance.pk)
            self.initial["tax_class"] = own

    def clean_description(self):
        description = self.cleaned_data.get("description")
        if description == UNREADABLE:
            raise forms.ValidationError("The description could not be read; type it again.")
        return description or ""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            slug = services.slug_from(cleaned["name"], max_length=220)
            if not slug:
                self.add_error("slug", services.NO_SLUG_MESSAGE)
            cleaned["slug"] = self.instance.slug = slug
        return cleaned

    def product_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "categories"}
        data["product_type"] = self.product_type
        return data

    def attribute_values(self) -> dict:
        return {
            attribute.code: attribute_service_value(
                attribute, self.cleaned_data.get(f"attribute_{attribute.code}")
            )
            for attribute in self.attributes
        }


# --- Variants ----------------------------------------------------------------------------------


class VariantForm(forms.ModelForm):
    """One variant: SKU, option pickers (``option_<code>``), prices per channel, stock."""

    stock = forms.IntegerField(
        required=False, min_value=-STOCK_LIMIT, max_value=STOCK_LIMIT, initial=0
    )
    stock_reason = forms.ChoiceField(
        choices=STOCK_REASONS, initial=StockAdjustment.Reason.RECEIVED, label="Reason"
    )
    low_stock_threshold = forms.IntegerField(
        min_value=0, max_value=STOCK_LIMIT, initial=0, label="Low stock at"
    )
    weight_grams = forms.IntegerField(
        min_value=0, max_value=STOCK_LIMIT, required=False, label="Weight (g)"
    )
    quantity_min = forms.IntegerField(
        min_value=1,
        max_value=STOCK_LIMIT,
        initial=1,
        required=False,
        label="Fewest per order line",
        help_text="Empty: 1.",
    )
    quantity_max = forms.IntegerField(
        min_value=1,
        max_value=STOCK_LIMIT,
        required=False,
        label="Most per order line",
        help_text="Empty: no limit but the stock.",
    )
    quantity_step = forms.IntegerField(
        min_value=1,
        max_value=STOCK_LIMIT,
        initial=1,
        required=False,
        label="Sold in steps of",
        help_text="Quantities go up from the fewest in steps of this many (empty: 1).",
    )

    class Meta:
        model = ProductVariant
        fields = [
            "sku",
            "name",
            "price",
            "b2b_price",
            "compare_at_price",
            "cost_price",
            "stock_policy",
            "low_stock_threshold",
            "weight_grams",
            "barcode",
            "quantity_min",
            "quantity_max",
            "quantity_step",
        ]
        labels = {
            "sku": "SKU",
            "name": "Variant name",
            "price": "Price (B2C)",
            "b2b_price": "Price (B2B)",
            "compare_at_price": "Compare-at price",
            "cost_price": "Cost",
            "stock_policy": "When out of stock",
        }
        help_texts = {"b2b_price": "Empty: businesses pay the B2C price."}

    def __init__(self, *args, option_attributes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.option_attributes = list(option_attributes)
        self.fields["name"].required = False
        self.currency = money.store_currency()
        places = money.minor_units(self.currency)
        for name in services.PRICE_FIELDS:
            field = self.fields[name]
            field.label = f"{field.label} ({self.currency})"
            # The browser's own check matches the currency: whole amounts in a JPY store.
            field.widget.attrs["step"] = "1" if places == 0 else f"0.{'0' * (places - 1)}1"
        if self.instance.pk:
            variant = self.instance
            self.fields["stock"].label = "Add or remove stock"
            self.fields["stock"].help_text = (
                f"Now {variant.stock_on_hand} on hand, {variant.stock_reserved} reserved. "
                "A negative number removes stock."
            )
        else:
            self.fields["stock"].label = "Stock on hand"
        stored = {}
        if self.instance.pk:
            stored = {value.attribute_id: value for value in self.instance.attribute_values.all()}
        for attribute in self.option_attributes:
            name = f"option_{attribute.code}"
            self.fields[name] = attribute_field(attribute)
            if attribute.pk in stored:
                self.initial[name] = stored_attribute_value(stored[attribute.pk], attribute)

    def option_fields(self):
        return [self[f"option_{attribute.code}"] for attribute in self.option_attributes]

    def price_fields(self):
        return [self[name] for name in ("price", "b2b_price", "compare_at_price", "cost_price")]

    def other_fields(self):
        return [self[name] for name in ("stock_policy", "low_stock_threshold", "weight_grams")]

    def quantity_fields(self):
        return [self[name] for name in services.QUANTITY_FIELDS]

    def clean_quantity_min(self):
        return self.cleaned_data.get("quantity_min") or 1

    def clean_quantity_step(self):
        return self.cleaned_data.get("quantity_step") or 1

    def clean(self):
        cleaned = super().clean()
        for name in services.PRICE_FIELDS:
            value = cleaned.get(name)
            if value is not None and not money.fits_currency(value, self.currency):
                self.add_error(name, money.precision_message(self.currency))
        low, high = cleaned.get("quantity_min"), cleaned.get("quantity_max")
        if low is not None and high is not None and high < low:
            self.add_error(
                "quantity_max", f"The most per line ({high}) is below the fewest ({low})."
            )
        return cleaned

    def clean_stock(self):
        stock = self.cleaned_data.get("stock") or 0
        if not self.instance.pk and stock < 0:
            raise forms.ValidationError("A new variant starts with 0 or more in stock.")
        return stock

    def service_data(self, *, position: int) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["weight_grams"] = self.cleaned_data.get("weight_grams")
        data["position"] = position
        options, attributes = {}, {}
        for attribute in self.option_attributes:
            value = self.cleaned_data.get(f"option_{attribute.code}")
            attributes[attribute.code] = attribute_service_value(attribute, value)
            if attributes[attribute.code] is not None:
                options[attribute.code] = attribute_display(attribute, value)
        if self.option_attributes:
            data["options"] = options
            data["attributes"] = attributes
        return data


class BaseVariantFormSet(BaseModelFormSet):
    def __init__(self, *args, option_attributes=(), **kwargs):
        self.option_attributes = option_attributes
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "option_attributes": self.option_attributes}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            option_attributes=self.option_attributes,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


VariantFormSet = modelformset_factory(
    ProductVariant,
    form=VariantForm,
    formset=BaseVariantFormSet,
    extra=0,
    can_delete=True,
    max_num=200,
    validate_max=True,
)


# --- Images ------------------------------------------------------------------------------------


class ImageForm(forms.Form):
    """An image of the product: its alt text, its place in the order, or its deletion."""

    id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    alt_text = forms.CharField(max_length=250, required=False, label="Alt text")
    position = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10_000)
    DELETE = forms.BooleanField(required=False, label="Delete")


class NewImageForm(forms.Form):
    upload = forms.FileField(required=False, label="Image", help_text="JPEG, PNG, WebP or GIF.")
    alt_text = forms.CharField(
        max_length=250, required=False, label="Alt text", help_text="What the image shows."
    )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        # Checked before anything is saved (catalog.images checks again when it stores it).
        try:
            images.clean_image(upload=upload)
        except images.ImageRefused as error:
            raise forms.ValidationError(error.message) from error
        finally:
            upload.seek(0)
        return upload


ImageFormSet = forms.formset_factory(ImageForm, extra=0, max_num=100, validate_max=True)
NewImageFormSet = forms.formset_factory(NewImageForm, extra=1, max_num=20, validate_max=True)


# --- The version of what the form edits --------------------------------------------------------

_PRODUCT_VERSION_FIELDS = [name for name in ProductForm.Meta.fields if name != "categories"]
_VARIANT_VERSION_FIELDS = ["pk", *VariantForm.Meta.fields, "options", "position"]


def edit_version(product_id: int) -> str:
    """A digest of everything the product form edits (not stock, not summaries, not
    renditions, which change without anyone editing the product): it changes exactly when
    someone saves an edit of the product."""
    values = {
        "product": list(
            Product.objects.filter(pk=product_id).values_list(
                *_PRODUCT_VERSION_FIELDS, "product_type_id", "brand_id"
            )
        ),
        "categories": sorted(
            Product.categories.through.objects.filter(product_id=product_id).values_list(
                "category_id", flat=True
            )
        ),
        "variants": list(
            ProductVariant.objects.filter(product_id=product_id)
            .order_by("pk")
            .values_list(*_VARIANT_VERSION_FIELDS)
        ),
        "attributes": list(
            AttributeValue.objects.filter(
                Q(product_id=product_id) | Q(variant__product_id=product_id)
            )
            .order_by("pk")
            .values_list("pk", "attribute_id", "variant_id", "text", "number", "boolean")
        ),
        "options": sorted(
            AttributeValue.options.through.objects.filter(
                Q(attributevalue__product_id=product_id)
                | Q(attributevalue__variant__product_id=product_id)
            ).values_list("attributevalue_id", "attributeoption_id")
        ),
        "images": list(
            ProductImage.objects.filter(product_id=product_id)
            .order_by("pk")
            .values_list("pk", "alt_text", "position", "variant_id")
        ),
    }
    encoded = json.dumps(values, default=str, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:40]
