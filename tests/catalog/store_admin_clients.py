"""Clients of the store admin signed in as each role, for the catalog screens' tests."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.urls import reverse

from accounts.models import User
from tests.conftest import HostClient
from tests.matrix import make_person

EDITORS = ("owner", "catalog_manager")
REFUSED = ("order_manager",)


def admin_client(store, role: str) -> HostClient:
    """A client at ``store`` signed in as a person of ``role`` (made once per test); the
    connection is left in the store's schema, where the test goes on."""
    connection.set_tenant(store)
    person = User.objects.filter(email=f"{role}@example.com").first() or make_person(role)
    client = HostClient(HTTP_HOST=store.primary_host)
    client.force_login(person)
    return client


def login_redirect(path: str) -> str:
    """Where the admin sends someone who may not use it (a shopper, or nobody signed in)."""
    login_url = getattr(settings, "WAGTAILADMIN_LOGIN_URL", None) or reverse("wagtailadmin_login")
    return redirect_to_login(path, login_url=login_url)["Location"]
