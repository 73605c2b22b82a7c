"""Wishlist API serializers: input validation bounded by the columns, output shapes."""

from rest_framework import serializers

from wishlists.models import NAME_MAX_LENGTH, Wishlist

MAX_ID = 2**63 - 1
MAX_QUANTITY = 2**31 - 1


def share_url(request, wishlist: Wishlist) -> str | None:
    if not wishlist.share_token:
        return None
    return request.build_absolute_uri(f"/wishlists/shared/{wishlist.share_token}/")


class PriceSerializer(serializers.Serializer):
    amount = serializers.CharField()
    currency = serializers.CharField()
    compare_at = serializers.CharField(allow_null=True)


class ItemSerializer(serializers.Serializer):
    """An item as the caller sees it today: price_for the caller, availability."""

    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField()
    product = serializers.IntegerField(source="product_id")
    product_name = serializers.CharField()
    product_slug = serializers.CharField()
    variant_label = serializers.CharField()
    price = PriceSerializer()
    price_when_added = serializers.CharField()
    price_dropped = serializers.BooleanField()
    available = serializers.BooleanField()
    added_at = serializers.DateTimeField()


class WishlistSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True)
    is_shared = serializers.BooleanField(read_only=True)
    share_url = serializers.SerializerMethodField()

    class Meta:
        model = Wishlist
        fields = [
            "id",
            "name",
            "is_default",
            "item_count",
            "is_shared",
            "share_url",
            "notify_price_drop",
            "notify_back_in_stock",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_share_url(self, wishlist) -> str | None:
        return share_url(self.context["request"], wishlist)


class WishlistDetailSerializer(WishlistSerializer):
    items = ItemSerializer(many=True, read_only=True, source="item_views")

    class Meta(WishlistSerializer.Meta):
        fields = [*WishlistSerializer.Meta.fields, "items"]
        read_only_fields = fields


class SharedWishlistSerializer(serializers.Serializer):
    """A shared list, read-only: its name and items, nothing about its owner."""

    name = serializers.CharField()
    items = ItemSerializer(many=True, source="item_views")


class WishlistCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)


class WishlistUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False)
    notify_price_drop = serializers.BooleanField(required=False)
    notify_back_in_stock = serializers.BooleanField(required=False)


class ItemAddSerializer(serializers.Serializer):
    variant = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class MoveToCartSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False)


class MovedToCartSerializer(serializers.Serializer):
    cart_token = serializers.CharField()
    variant = serializers.IntegerField()
    quantity = serializers.IntegerField()


class ShareSerializer(serializers.Serializer):
    regenerate = serializers.BooleanField(required=False, default=False)


class SharedLinkSerializer(serializers.Serializer):
    share_url = serializers.CharField()
    shared_at = serializers.DateTimeField()
