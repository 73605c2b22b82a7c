"""Writes on accounts."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import User


def create_store_owner(*, email: str, password: str) -> User:
    """Create the owner of the current store (run inside the store's schema).

    The owner is staff with every permission in their own store. The password is validated
    with the platform's validators (ValidationError if weak) and stored hashed (Argon2).
    """
    user = User(username=email.lower(), email=email.lower(), is_staff=True, is_superuser=True)
    user.staff_role = User.StaffRole.OWNER
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
    return user
