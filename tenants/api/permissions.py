from rest_framework.permissions import BasePermission


class IsStoreOwner(BasePermission):
    """The signed-in user owns the store the request is for."""

    message = "Only the store's owner can do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.staff_role == "owner")
