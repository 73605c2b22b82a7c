"""Wishlist API views: each validates input, calls one service or selector, and responds.

A person's lists are theirs alone: another person's list id is not found (404). API keys are
not people and have no lists (403). A shared list is readable by anyone holding its link.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import RequiresPermission
from accounts.permissions import MANAGE_OWN_ACCOUNT
from idempotency.api import IdempotentCreateMixin
from pricing import buyer_for
from wishlists import selectors, services
from wishlists.api import serializers

TAGS = ["wishlists"]

LIST_EXAMPLE = {
    "id": 7,
    "name": "Birthday ideas",
    "is_default": False,
    "item_count": 2,
    "is_shared": True,
    "share_url": "https://acme.mercato.example/wishlists/shared/3q2-X0nVt1Kc6sJmQvR9hLpZ8wE5yB4uA7dF1gH2iJk/",
    "notify_price_drop": True,
    "notify_back_in_stock": False,
    "created_at": "2026-11-30T07:00:00Z",
    "updated_at": "2026-11-30T07:05:00Z",
}
ITEM_EXAMPLE = {
    "variant": 42,
    "sku": "TEE-M-BLUE",
    "product": 12,
    "product_name": "Organic tee",
    "product_slug": "organic-tee",
    "variant_label": "Size: M, Colour: Blue",
    "price": {"amount": "18.00", "currency": "USD", "compare_at": "20.00"},
    "price_when_added": "20.00",
    "price_dropped": True,
    "available": True,
    "added_at": "2026-11-30T07:01:00Z",
}
DETAIL_EXAMPLE = {**LIST_EXAMPLE, "item_count": 1, "items": [ITEM_EXAMPLE]}


class OwnWishlistView(APIView):
    permission_classes = [RequiresPermission]
    required_permissions = {
        method: MANAGE_OWN_ACCOUNT for method in ("GET", "POST", "PATCH", "DELETE")
    }

    def buyer(self):
        return buyer_for(user=self.request.user, auth=self.request.auth)

    def wishlist(self, pk):
        wishlist = selectors.wishlist_of(user=self.request.user, pk=pk)
        if wishlist is None:
            raise Http404
        return wishlist

    def detail(self, wishlist, *, status_code=status.HTTP_200_OK) -> Response:
        wishlist = selectors.wishlist_of(user=self.request.user, pk=wishlist.pk)
        wishlist.item_views = selectors.item_views(wishlist, buyer=self.buyer())
        data = serializers.WishlistDetailSerializer(wishlist, context={"request": self.request})
        return Response(data.data, status=status_code)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class WishlistListView(IdempotentCreateMixin, OwnWishlistView):
    @extend_schema(
        tags=TAGS,
        summary="Your wishlists",
        responses=serializers.WishlistSerializer(many=True),
        examples=[OpenApiExample("Two lists", value=[LIST_EXAMPLE], response_only=True)],
    )
    def get(self, request):
        wishlists = selectors.wishlist_list(user=request.user)
        data = serializers.WishlistSerializer(wishlists, many=True, context={"request": request})
        return Response(data.data)

    @extend_schema(
        tags=TAGS,
        summary="Create a wishlist",
        request=serializers.WishlistCreateSerializer,
        responses={201: serializers.WishlistDetailSerializer},
        examples=[
            OpenApiExample("A named list", value={"name": "Birthday ideas"}, request_only=True)
        ],
    )
    def post(self, request):
        data = _valid(serializers.WishlistCreateSerializer, request)
        wishlist = services.create_wishlist(user=request.user, name=data["name"])
        return self.detail(wishlist, status_code=status.HTTP_201_CREATED)


class WishlistDetailView(OwnWishlistView):
    @extend_schema(
        tags=TAGS,
        summary="A wishlist and its items, priced for you",
        responses=serializers.WishlistDetailSerializer,
        examples=[OpenApiExample("A list", value=DETAIL_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        return self.detail(self.wishlist(pk))

    @extend_schema(
        tags=TAGS,
        summary="Rename a wishlist or change its email alerts",
        request=serializers.WishlistUpdateSerializer,
        responses=serializers.WishlistDetailSerializer,
        examples=[
            OpenApiExample(
                "Rename and ask for price drops",
                value={"name": "Christmas", "notify_price_drop": True},
                request_only=True,
            )
        ],
    )
    def patch(self, request, pk):
        wishlist = self.wishlist(pk)
        data = _valid(serializers.WishlistUpdateSerializer, request)
        if "name" in data:
            wishlist = services.rename_wishlist(wishlist=wishlist, name=data["name"])
        services.set_notifications(
            wishlist=wishlist,
            price_drop=data.get("notify_price_drop"),
            back_in_stock=data.get("notify_back_in_stock"),
        )
        return self.detail(wishlist)

    @extend_schema(tags=TAGS, summary="Delete a wishlist", responses={204: None})
    def delete(self, request, pk):
        services.delete_wishlist(wishlist=self.wishlist(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistItemListView(IdempotentCreateMixin, OwnWishlistView):
    @extend_schema(
        tags=TAGS,
        summary="Save a variant in a wishlist",
        description="Saving a variant the list holds already answers 200 and changes nothing.",
        request=serializers.ItemAddSerializer,
        responses={
            201: serializers.WishlistDetailSerializer,
            200: serializers.WishlistDetailSerializer,
        },
        examples=[OpenApiExample("A variant", value={"variant": 42}, request_only=True)],
    )
    def post(self, request, pk):
        wishlist = self.wishlist(pk)
        data = _valid(serializers.ItemAddSerializer, request)
        _, created = services.add_item(
            wishlist=wishlist, variant_id=data["variant"], buyer=self.buyer()
        )
        return self.detail(wishlist, status_code=201 if created else 200)


class WishlistItemDetailView(OwnWishlistView):
    @extend_schema(tags=TAGS, summary="Take a variant out of a wishlist", responses={204: None})
    def delete(self, request, pk, variant_id):
        if not services.remove_item(wishlist=self.wishlist(pk), variant_id=variant_id):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistItemMoveView(IdempotentCreateMixin, OwnWishlistView):
    @extend_schema(
        tags=TAGS,
        summary="Move a saved variant to your cart",
        description=(
            "Adds the variant to your cart (the variant's minimum quantity unless `quantity` is "
            "given) and takes it out of the list. If the cart refuses it (stock, quantity "
            "rules), the answer is the cart's 400 and the list is unchanged."
        ),
        request=serializers.MoveToCartSerializer,
        responses=serializers.MovedToCartSerializer,
        examples=[
            OpenApiExample("Two of them", value={"quantity": 2}, request_only=True),
            OpenApiExample(
                "Moved",
                value={
                    "cart_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                    "variant": 42,
                    "quantity": 2,
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request, pk, variant_id):
        from cart.identify import cart_for_request

        wishlist = self.wishlist(pk)
        data = _valid(serializers.MoveToCartSerializer, request)
        cart = cart_for_request(request, create=True)
        line = services.move_to_cart(
            wishlist=wishlist,
            variant_id=variant_id,
            cart=cart,
            buyer=self.buyer(),
            quantity=data.get("quantity"),
        )
        body = {"cart_token": str(cart.token), "variant": variant_id, "quantity": line.quantity}
        return Response(serializers.MovedToCartSerializer(body).data)


class WishlistShareView(IdempotentCreateMixin, OwnWishlistView):
    @extend_schema(
        tags=TAGS,
        summary="Share a wishlist by a read-only link",
        description=(
            "Answers the list's link (the current one if shared already; a new one with "
            '`"regenerate": true`, which ends the old). Anyone with the link can read the list.'
        ),
        request=serializers.ShareSerializer,
        responses=serializers.SharedLinkSerializer,
        examples=[
            OpenApiExample(
                "Shared",
                value={
                    "share_url": LIST_EXAMPLE["share_url"],
                    "shared_at": "2026-11-30T07:05:00Z",
                },
                response_only=True,
            )
        ],
    )
    def post(self, request, pk):
        wishlist = self.wishlist(pk)
        data = _valid(serializers.ShareSerializer, request)
        wishlist = services.share_wishlist(wishlist=wishlist, regenerate=data["regenerate"])
        body = {
            "share_url": serializers.share_url(request, wishlist),
            "shared_at": wishlist.shared_at,
        }
        return Response(serializers.SharedLinkSerializer(body).data)

    @extend_schema(
        tags=TAGS, summary="Stop sharing a wishlist (its link answers 404)", responses={204: None}
    )
    def delete(self, request, pk):
        services.revoke_share(wishlist=self.wishlist(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedWishlistView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="A shared wishlist (read-only, for anyone with its link)",
        responses=serializers.SharedWishlistSerializer,
        examples=[
            OpenApiExample(
                "A shared list",
                value={"name": "Birthday ideas", "items": [ITEM_EXAMPLE]},
                response_only=True,
            )
        ],
    )
    def get(self, request, token):
        wishlist = selectors.shared_wishlist(token=token)
        if wishlist is None:
            raise Http404
        wishlist.item_views = selectors.item_views(
            wishlist, buyer=buyer_for(user=request.user, auth=request.auth)
        )
        return Response(serializers.SharedWishlistSerializer(wishlist).data)
