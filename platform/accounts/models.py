"""People who sign in. Users are per store: the same model lives in every store's schema, and
the platform's own admins live in the public schema."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person with an account at one store (or a platform admin, in the public schema).

    Email is how people sign in, so it is unique without regard to case.
    """

    class StaffRole(models.TextChoices):
        OWNER = "owner", "Store owner"
        CATALOG_MANAGER = "catalog_manager", "Catalog manager"
        ORDER_MANAGER = "order_manager", "Order manager"
        SUPPORT = "support", "Support (read-only)"

    email = models.EmailField("email address")
    # Set for the store's staff only; shoppers and B2B buyers have none.
    staff_role = models.CharField(max_length=32, choices=StaffRole.choices, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
