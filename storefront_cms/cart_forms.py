"""The storefront cart's forms, and what the product page's "add to cart" form shows."""

from __future__ import annotations

from django import forms

from cart.rules import MAX_QUANTITY
from storefront_cms import selectors
from storefront_cms.templatetags.cart_tags import quantity_hint


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(
        label="Quantity",
        min_value=1,
        max_value=MAX_QUANTITY,
        error_messages={"required": "Enter a quantity.", "invalid": "Enter a whole number."},
    )


class AddForm(QuantityForm):
    sku = forms.CharField(max_length=64, error_messages={"required": "Choose an option."})
    next = forms.CharField(max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].required = False  # left out: the variant's minimum


def cart_form(product_id: int, selected: dict | None) -> dict | None:
    """The product page's form: the selected variant, and every variant's rules for the
    picker's script (storefront/cart.js) to switch to. One query; None without a variant."""
    if selected is None:
        return None
    variants = selectors.cart_variants(product_id)
    variant = variants.get(selected["sku"])
    if variant is None:
        return None
    rules = [
        {
            "sku": v.sku,
            "min": v.quantity_min,
            "max": v.quantity_max,
            "step": v.quantity_step,
            "available": v.available,
            "hint": quantity_hint(v),
        }
        for v in variants.values()
    ]
    return {"variant": variant, "rules": rules}
