"""People who sign in. Users are per store: the same model lives in every store's schema, and
the platform's own admins live in the public schema."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person with an account at one store (or a platform admin, in the public schema).

    Email is how people sign in, so it is unique without regard to case.
    """

    email = models.EmailField("email address")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
