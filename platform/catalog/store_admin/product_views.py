"""The product form's views in the store admin: create and edit a product with its variants,
stock and images on one page.

Saving is a series of calls of catalog.services, catalog.inventory and catalog.images in one
transaction; a view never saves a model itself. A domain error they raise is shown next to the
field it names and rolls the whole save back, so nothing is half-saved and nothing typed is
lost. A form opened before someone else saved the product is refused (its version, a digest of
what the form edits, no longer matches) rather than overwriting their changes.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail.admin.views import generic

from catalog import images, inventory, services
from catalog.models import Product, ProductImage, ProductType, ProductVariant
from catalog.store_admin.product_forms import (
    ImageFormSet,
    NewImageFormSet,
    ProductForm,
    VariantForm,
    VariantFormSet,
    edit_version,
)
from config.api_errors import DomainError
from taxes.services import set_product_tax_class
from tenants.errors import PlanLimitReached

TEMPLATES = "catalog/store_admin/products"


class RefusedWith403:
    """Refusals of these views are a 403 page, for GETs and POSTs alike."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return refused(request)


def refused(request):
    return TemplateResponse(request, f"{TEMPLATES}/refused.html", status=403)


# --- The views ---------------------------------------------------------------------------------


class Refused(Exception):
    """A service refused part of the save: the errors are on the forms, the save rolls back."""


class ProductFormViewMixin(RefusedWith403):
    template_name = f"{TEMPLATES}/form.html"

    def get_form_class(self):
        return ProductForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["product_type"] = self.product_type
        return kwargs

    @cached_property
    def option_attributes(self):
        if self.product_type is None:
            return []
        return list(self.product_type.variant_attributes.prefetch_related("options"))

    def _data(self):
        return self.request.POST if self.request.method == "POST" else None

    def _files(self):
        return self.request.FILES if self.request.method == "POST" else None

    @cached_property
    def variant_formset(self):
        queryset = (
            self.object.variants.prefetch_related("attribute_values__options")
            if getattr(self, "object", None) and self.object.pk
            else ProductVariant.objects.none()
        )
        formset = VariantFormSet(
            self._data(),
            queryset=queryset,
            prefix="variants",
            option_attributes=self.option_attributes,
        )
        if self._data() is None and not queryset.exists():
            formset.extra = 1
        return formset

    @cached_property
    def image_formset(self):
        initial = [
            {"id": image.pk, "alt_text": image.alt_text, "position": position}
            for position, image in enumerate(self.existing_images.values())
        ]
        return ImageFormSet(self._data(), initial=initial, prefix="images")

    @cached_property
    def existing_images(self) -> dict[int, ProductImage]:
        if not getattr(self, "object", None) or not self.object.pk:
            return {}
        return {image.pk: image for image in self.object.images.all()}

    @cached_property
    def new_image_formset(self):
        return NewImageFormSet(self._data(), self._files(), prefix="new_images")

    def post(self, request, *args, **kwargs):
        if "add_variant" in request.POST or "move_image" in request.POST:
            return self.rearranged(request)
        return super().post(request, *args, **kwargs)

    def rearranged(self, request):
        """Without JavaScript, "Add a variant" and the up/down buttons of images come back
        here: the same form with one more variant, or the images in their new order (nothing
        saved yet, nothing typed lost; files chosen must be chosen again)."""
        if not hasattr(self, "object"):
            self.object = self.get_object() if self.is_edit else None
        data = request.POST.copy()
        if "add_variant" in data:
            total = _number(data.get("variants-TOTAL_FORMS"), limit=199)
            data["variants-TOTAL_FORMS"] = str(total + 1)
            # The new variant starts as a blank one would (no stock, received, deny...).
            blank = VariantForm(option_attributes=self.option_attributes)
            for name, field in blank.fields.items():
                initial = blank.get_initial_for_field(field, name)
                if initial is not None:
                    data[f"variants-{total}-{name}"] = str(initial)
        else:
            _move_image(data, data.get("move_image", ""))
        request.POST = data
        self.form = self.get_form()
        for name in ("variant_formset", "image_formset", "new_image_formset"):
            self.__dict__.pop(name, None)
        return self.render_to_response(self.get_context_data(form=self.form))

    def is_valid(self, form):
        valid = all(
            [
                form.is_valid(),
                self.variant_formset.is_valid(),
                self.image_formset.is_valid(),
                self.new_image_formset.is_valid(),
                self._images_are_this_products(),
            ]
        )
        if not valid:
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
        return valid

    def _images_are_this_products(self) -> bool:
        seen = set()
        for image_form in self.image_formset.forms:
            image_id = getattr(image_form, "cleaned_data", {}).get("id")
            if image_id not in self.existing_images or image_id in seen:
                image_form.add_error(None, "This image is not one of the product's.")
                return False
            seen.add(image_id)
        return True

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.save_instance()
        except Refused:
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response

    @property
    def actor(self) -> str:
        return self.request.user.email or self.request.user.get_username()

    def save_variants(self, product: Product) -> None:
        formset = self.variant_formset
        failed = False
        position = 0
        for variant_form in formset.forms:
            if not variant_form.has_changed() and not variant_form.instance.pk:
                continue
            if variant_form.instance.pk and variant_form in formset.deleted_forms:
                with self.refusal(variant_form) as refusal:
                    services.delete_variant(variant=variant_form.instance)
                failed |= refusal.failed
                continue
            data = variant_form.service_data(position=position)
            position += 1
            unchanged = (
                variant_form.instance.pk
                and not variant_form.has_changed()
                and variant_form.instance.position == data["position"]
            )
            if unchanged:
                continue
            stock_errors = {"delta": "stock", "stock_on_hand": "stock"}
            with self.refusal(variant_form, stock_errors) as refusal:
                if variant_form.instance.pk:
                    variant = services.update_variant(
                        variant=variant_form.instance, data=data, actor=self.actor
                    )
                else:
                    variant = services.create_variant(product=product, data=data)
                if variant_form.cleaned_data["stock"]:
                    inventory.adjust_stock(
                        variant_id=variant.pk,
                        delta=variant_form.cleaned_data["stock"],
                        reason=variant_form.cleaned_data["stock_reason"],
                        actor=self.actor,
                        note="Store admin: product form",
                    )
            failed |= refusal.failed
        if failed:
            raise Refused

    def save_images(self, product: Product) -> None:
        failed = False
        position = 0
        in_order = sorted(self.image_formset.forms, key=lambda f: f.cleaned_data["position"])
        for image_form in in_order:
            data = image_form.cleaned_data
            image = self.existing_images[data["id"]]
            with self.refusal(image_form) as refusal:
                if data["DELETE"]:
                    images.delete_product_image(image=image)
                elif (image.alt_text, image.position) != (data["alt_text"], position):
                    images.update_product_image(
                        image=image, data={"alt_text": data["alt_text"], "position": position}
                    )
            failed |= refusal.failed
            position += 0 if data["DELETE"] else 1
        for new_form in self.new_image_formset.forms:
            upload = new_form.cleaned_data.get("upload")
            if upload is None:
                continue
            with self.refusal(new_form, {"image": "upload"}) as refusal:
                images.add_product_image(
                    product=product,
                    upload=upload,
                    alt_text=new_form.cleaned_data["alt_text"],
                    position=position,
                )
            position += 1
            failed |= refusal.failed
        if failed:
            raise Refused

    @contextmanager
    def refusal(self, form, renamed: dict | None = None):
        """Run a service call; a domain error it raises goes onto ``form``, next to the field
        it names (renamed by ``renamed``, attribute values onto their inputs)."""
        outcome = _Outcome()
        try:
            with transaction.atomic():
                yield outcome
        except PlanLimitReached as error:
            outcome.failed = True
            form.add_error(None, _with_billing_link(error.message))
        except DomainError as error:
            outcome.failed = True
            _add_domain_errors(form, error, renamed or {})


class _Outcome:
    failed = False


def _add_domain_errors(form, error: DomainError, renamed: dict) -> None:
    if not error.fields:
        form.add_error(None, error.message)
        return
    for field, messages in error.fields.items():
        name = renamed.get(field, field)
        if name.startswith("attributes."):
            code = name.split(".", 1)[1]
            name = next(
                (
                    candidate
                    for candidate in (f"attribute_{code}", f"option_{code}")
                    if candidate in form.fields
                ),
                None,
            )
        if name not in form.fields:
            name = None
        for message in messages:
            form.add_error(name, message)


def _move_image(data, instruction: str) -> None:
    """Swap an image's position with its neighbour's: ``"<form index>:up"`` or ``":down"``."""
    index, _, direction = instruction.partition(":")
    total = _number(data.get("images-TOTAL_FORMS"), limit=100)
    if not index.isdigit() or direction not in ("up", "down") or int(index) >= total:
        return
    order = sorted(range(total), key=lambda i: _number(data.get(f"images-{i}-position")))
    place = order.index(int(index))
    other = place - 1 if direction == "up" else place + 1
    if not 0 <= other < total:
        return
    order[place], order[other] = order[other], order[place]
    for position, form_index in enumerate(order):
        data[f"images-{form_index}-position"] = str(position)


def _number(value, *, limit: int = 10_000) -> int:
    """A small whole number typed into a form (management fields, positions), else 0."""
    text = str(value or "")
    return min(int(text), limit) if text.isdigit() and len(text) < 6 else 0


class ProductCreateView(ProductFormViewMixin, generic.CreateView):
    is_edit = False
    submit_button_label = "Create product"

    def get(self, request, *args, **kwargs):
        if self.product_type is None and not self.type_chosen and ProductType.objects.exists():
            return TemplateResponse(
                request,
                f"{TEMPLATES}/choose_type.html",
                {
                    "product_types": ProductType.objects.all(),
                    "add_url": reverse(self.add_url_name),
                    "index_url": reverse(self.index_url_name),
                },
            )
        return super().get(request, *args, **kwargs)

    @cached_property
    def type_chosen(self) -> bool:
        return "product_type" in self.request.GET or "product_type" in self.request.POST

    @cached_property
    def product_type(self) -> ProductType | None:
        chosen = self.request.POST.get("product_type") or self.request.GET.get("product_type")
        if not chosen or not str(chosen).isdigit() or len(chosen) > 18:
            return None
        return ProductType.objects.filter(pk=chosen).first()

    def get_add_url(self):
        url = super().get_add_url()
        if self.product_type is not None:
            return f"{url}?product_type={self.product_type.pk}"
        return url

    def save_instance(self):
        form = self.form
        with self.refusal(form) as refusal:
            product = services.create_product(
                data=form.product_data(),
                categories=form.cleaned_data["categories"],
                attributes=form.attribute_values() or None,
            )
        if refusal.failed:
            raise Refused
        set_product_tax_class(product=product, tax_class=form.cleaned_data.get("tax_class"))
        self.save_variants(product)
        self.save_images(product)
        return product

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET":
            context["plan_limit"] = _plan_limit_notice()
        return _form_context(self, context)


def _plan_limit_notice() -> str:
    """Said before the form is filled: the plan has no product left (checked again, under
    the limit's lock, when the product is created)."""
    from tenants.limits import ensure_current_store_within_plan

    try:
        with transaction.atomic():
            ensure_current_store_within_plan(resource="products")
    except PlanLimitReached as error:
        return _with_billing_link(error.message)
    return ""


def _with_billing_link(message: str) -> str:
    return format_html(
        '{} <a href="{}">Upgrade your plan on the Billing page</a>.',
        message,
        reverse("store_billing"),
    )


class ProductEditView(ProductFormViewMixin, generic.EditView):
    is_edit = True

    @cached_property
    def product_type(self) -> ProductType | None:
        return self.object.product_type

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not form.is_bound:
            form.initial["version"] = edit_version(self.object.pk)
        return form

    def save_instance(self):
        form = self.form
        product = Product.objects.select_for_update().get(pk=self.object.pk)
        if edit_version(product.pk) != form.cleaned_data.get("version"):
            form.add_error(
                None,
                format_html(
                    "Someone else saved this product after you opened it, so your changes "
                    'were not saved. <a href="{}">Open the latest version</a> and make them '
                    "again (copy what you typed first).",
                    self.get_edit_url(),
                ),
            )
            raise Refused
        with self.refusal(form) as refusal:
            product = services.update_product(
                product=product,
                data=form.product_data(),
                categories=form.cleaned_data["categories"],
                attributes=form.attribute_values(),
            )
        if refusal.failed:
            raise Refused
        set_product_tax_class(product=product, tax_class=form.cleaned_data.get("tax_class"))
        self.save_variants(product)
        self.save_images(product)
        return product

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return _form_context(self, context)


def _form_context(view, context: dict) -> dict:
    image_rows = []
    for index, image_form in enumerate(view.image_formset.forms):
        image_id = image_form["id"].value()
        image = view.existing_images.get(int(image_id)) if str(image_id).isdigit() else None
        image_rows.append({"form": image_form, "image": image, "index": index})
    image_rows.sort(key=lambda row: _number(row["form"]["position"].value()))
    context.update(
        {
            "product_type": view.product_type,
            "variant_formset": view.variant_formset,
            "image_formset": view.image_formset,
            "image_rows": image_rows,
            "new_image_formset": view.new_image_formset,
            "form_is_multipart": True,
        }
    )
    return context
