"""Forms of the Orders screens: the list's filters and the detail page's small action forms;
and Settings > Notifications (where the store's own emails go).

Every number is bounded by its column (amounts: 12 digits, 2 places; quantities: int4)."""

from decimal import Decimal

from django import forms

from orders.models import FulfilmentStatus, OrderStatus, PaymentStatus
from orders.staff_selectors import OrderFilters
from pricing import Channel

MAX_AMOUNT = Decimal("9999999999.99")
MAX_QUANTITY = 2147483647


def _choices(enum) -> list:
    return [("", "Any"), *enum.choices]


class OrderFilterForm(forms.Form):
    """The list's filters (GET). Unknown values are errors shown above the list, not 500s."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    status = forms.ChoiceField(choices=_choices(OrderStatus), required=False)
    payment_status = forms.ChoiceField(
        label="Payment status", choices=_choices(PaymentStatus), required=False
    )
    fulfilment_status = forms.ChoiceField(
        label="Fulfilment", choices=_choices(FulfilmentStatus), required=False
    )
    payment_method = forms.CharField(label="Payment method", required=False, max_length=32)
    channel = forms.ChoiceField(choices=_choices(Channel), required=False)
    customer = forms.IntegerField(
        label="Customer id", required=False, min_value=1, max_value=MAX_QUANTITY
    )
    placed_from = forms.DateField(
        label="Placed from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    placed_to = forms.DateField(
        label="Placed to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("placed_from"), data.get("placed_to")
        if start and end and start > end:
            self.add_error("placed_to", "Must be on or after the start date.")
        return data

    def filters(self) -> OrderFilters:
        data = self.cleaned_data
        return OrderFilters(
            status=data.get("status") or "",
            payment_status=data.get("payment_status") or "",
            fulfilment_status=data.get("fulfilment_status") or "",
            payment_method=(data.get("payment_method") or "").strip(),
            channel=data.get("channel") or "",
            customer=data.get("customer"),
            placed_from=data.get("placed_from"),
            placed_to=data.get("placed_to"),
            q=data.get("q") or "",
        )


def _amount_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
    )


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CancelForm(forms.Form):
    note = forms.CharField(label="Reason (optional)", required=False, max_length=2000)


class DeliverForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, max_length=2000)


class MarkPaidForm(forms.Form):
    amount = _amount_field("Amount received")
    note = forms.CharField(label="Note (optional)", required=False, max_length=2000)


class CaptureForm(forms.Form):
    amount = _amount_field("Amount to capture")
    note = forms.CharField(label="Note (optional)", required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = False
        self.fields["amount"].help_text = "Empty: all that was authorised; the rest is released."


class RefundForm(forms.Form):
    amount = _amount_field("Amount refunded")
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=2000)


class FulfilForm(forms.Form):
    """Carrier, tracking number and, per unfulfilled line, the quantity sent now."""

    carrier = forms.CharField(required=False, max_length=100)
    tracking_number = forms.CharField(label="Tracking number", required=False, max_length=100)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.order_lines = [line for line in lines if line.quantity > line.quantity_fulfilled]
        for line in self.order_lines:
            remaining = line.quantity - line.quantity_fulfilled
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.product_name} {line.variant_label}".strip(),
                required=False,
                min_value=0,
                max_value=MAX_QUANTITY,
                initial=remaining,
                help_text=f"{remaining} to send (SKU {line.sku})",
            )

    def quantities(self) -> dict[int, int]:
        chosen = {}
        for line in self.order_lines:
            quantity = self.cleaned_data.get(f"line_{line.pk}") or 0
            if quantity:
                chosen[line.pk] = quantity
        return chosen

    def clean(self):
        data = super().clean()
        if not self.errors and not self.quantities():
            raise forms.ValidationError("Choose at least one line to send.")
        return data


ADDRESS_FIELDS = (
    ("full_name", "Full name"),
    ("company_name", "Company"),
    ("line1", "Address line 1"),
    ("line2", "Address line 2"),
    ("city", "City"),
    ("region", "State or region"),
    ("postal_code", "Postal code"),
    ("country", "Country (two letters)"),
    ("phone", "Phone"),
)


class EditOrderForm(forms.Form):
    """An edit before anything ships: each line's quantity (0 removes it), a variant to add
    by SKU, the shipping address, and why. Fields are named as the page shows them; the
    service's errors (``lines.<id>``, ``add.<variant>``, ``shipping_address.<field>``) are
    mapped to them by :meth:`field_for`."""

    add_sku = forms.CharField(label="Add a product (SKU)", required=False, max_length=64)
    add_quantity = forms.IntegerField(
        label="Quantity to add", required=False, min_value=1, max_value=MAX_QUANTITY
    )
    note = forms.CharField(label="Reason (optional)", required=False, max_length=2000)

    def __init__(self, *args, order, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.order_lines = list(lines)
        for line in self.order_lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.product_name} {line.variant_label}".strip(),
                min_value=0,
                max_value=MAX_QUANTITY,
                initial=line.quantity,
                help_text=f"SKU {line.sku}; 0 removes the line",
            )
        address = order.shipping_address or {}
        for name, label in ADDRESS_FIELDS:
            self.fields[f"address_{name}"] = forms.CharField(
                label=label, required=False, max_length=200, initial=address.get(name, "")
            )

    def line_fields(self):
        return [self[f"line_{line.pk}"] for line in self.order_lines]

    def address_fields(self):
        return [self[f"address_{name}"] for name, _ in ADDRESS_FIELDS]

    def clean(self):
        data = super().clean()
        if data.get("add_quantity") and not (data.get("add_sku") or "").strip():
            self.add_error("add_sku", "Enter the SKU of the product to add.")
        return data

    def quantities(self) -> dict[int, int]:
        """The lines whose quantity changed: line id → new quantity."""
        return {
            line.pk: self.cleaned_data[f"line_{line.pk}"]
            for line in self.order_lines
            if self.cleaned_data.get(f"line_{line.pk}") not in (None, line.quantity)
        }

    def address(self) -> dict | None:
        """The shipping address typed, or None when it is the order's (unchanged)."""
        before = self.order.shipping_address or {}
        typed = {
            name: (self.cleaned_data.get(f"address_{name}") or "").strip()
            for name, _ in ADDRESS_FIELDS
        }
        if all(typed[name] == (before.get(name) or "") for name, _ in ADDRESS_FIELDS):
            return None
        return typed

    def field_for(self, name: str) -> str | None:
        """The form field of a service error's field name (None: above the form)."""
        if name.startswith("lines."):
            return f"line_{name.split('.', 1)[1]}"
        if name.startswith("add"):
            return "add_sku"
        if name.startswith("shipping_address."):
            return f"address_{name.split('.', 1)[1]}"
        return None


class NotificationSettingsForm(forms.Form):
    """Settings > Notifications. It only checks what was typed; the service decides."""

    notify_staff_email = forms.EmailField(
        label="Send new-order and quote-request emails to",
        required=False,
        max_length=254,
        help_text="The store's emails go to this address: every new order (a company's order "
        "once its approver approves it), every quote request and every accepted quote. "
        "Leave it empty to send none. Shoppers' own emails (confirmation, shipping) are "
        "not affected.",
    )
