"""Storefront forms of the wishlists (the API validates with its serializers)."""

from django import forms

from wishlists.models import NAME_MAX_LENGTH


class WishlistNameForm(forms.Form):
    name = forms.CharField(label="List name", max_length=NAME_MAX_LENGTH)


class NotificationsForm(forms.Form):
    notify_price_drop = forms.BooleanField(label="Email me when a price drops", required=False)
    notify_back_in_stock = forms.BooleanField(
        label="Email me when an item is back in stock", required=False
    )
