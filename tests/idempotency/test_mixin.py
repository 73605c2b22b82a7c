"""The mixin on a view of its own: 5xx and crashes free the key, anonymous callers, callers.

The views here are minimal DRF views that count their runs; the mixin, the table and the
store's schema are the real ones.
"""

import pytest
from django.db import connection
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts import services as accounts_services
from idempotency.api import IdempotentCreateMixin
from idempotency.models import IdempotencyKey
from tests.matrix import create_user

KEY = "retry-me-1"


class FlakyView(IdempotentCreateMixin, APIView):
    """Fails the way it is told (503 answer, or a crash), then succeeds; counts its runs."""

    permission_classes = [AllowAny]
    runs: list[str] = []
    failures: list[str] = []

    def post(self, request):
        self.runs.append(request.data.get("name"))
        failure = self.failures.pop(0) if self.failures else None
        if failure == "503":
            return Response({"error": {"code": "down", "message": "Down."}}, status=503)
        if failure == "crash":
            raise RuntimeError("the view crashed")
        return Response({"made": len(self.runs)}, status=201, headers={"Location": "/made/1/"})


class CartView(FlakyView):
    """Serves anonymous shoppers, known by a token header of their own (as a cart would be)."""

    def idempotency_caller(self, request):
        token = request.headers.get("X-Cart-Token")
        return f"cart:{token}" if token else super().idempotency_caller(request)


@pytest.fixture(autouse=True)
def fresh_views():
    FlakyView.runs, FlakyView.failures = [], []
    CartView.runs, CartView.failures = FlakyView.runs, FlakyView.failures


@pytest.fixture
def person(store_a):
    connection.set_tenant(store_a)
    return create_user("someone@store-a.test")


def call(view, *, user=None, key=KEY, body=None, **headers):
    request = APIRequestFactory().post(
        "/made/", body or {"name": "x"}, format="json", headers={"Idempotency-Key": key, **headers}
    )
    if user is not None:
        force_authenticate(request, user=user)
    return view.as_view()(request)


def test_a_5xx_answer_is_not_stored_and_the_retry_runs(person):
    FlakyView.failures.append("503")

    failed = call(FlakyView, user=person)
    retried = call(FlakyView, user=person)

    assert (failed.status_code, retried.status_code) == (503, 201)
    assert "Idempotent-Replayed" not in retried
    assert len(FlakyView.runs) == 2
    replayed = call(FlakyView, user=person)
    assert (replayed.status_code, replayed["Idempotent-Replayed"]) == (201, "true")
    assert replayed["Location"] == "/made/1/"
    assert len(FlakyView.runs) == 2


def test_a_crash_frees_the_key_for_a_retry(person):
    FlakyView.failures.append("crash")

    with pytest.raises(RuntimeError):
        call(FlakyView, user=person)

    assert not IdempotencyKey.objects.exists()
    assert call(FlakyView, user=person).status_code == 201
    assert len(FlakyView.runs) == 2


def test_an_anonymous_key_without_an_identity_is_refused_with_400():
    refused = call(FlakyView)
    refused.render()

    assert refused.status_code == 400
    assert list(refused.data["error"]["fields"]) == ["Idempotency-Key"]
    assert FlakyView.runs == []


def test_a_view_can_name_its_anonymous_callers(store_a):
    connection.set_tenant(store_a)

    first = call(CartView, **{"X-Cart-Token": "cart-a"})
    again = call(CartView, **{"X-Cart-Token": "cart-a"})
    other_cart = call(CartView, **{"X-Cart-Token": "cart-b"})

    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in other_cart
    assert (first.status_code, other_cart.status_code) == (201, 201)
    assert len(CartView.runs) == 2


def test_an_api_key_and_its_creator_are_two_callers(store_a):
    from accounts.models import ApiKey
    from tests.matrix import make_person

    connection.set_tenant(store_a)
    owner = make_person("owner")
    issued = accounts_services.create_api_key(name="ERP", scopes=["catalog:read"], created_by=owner)
    key = ApiKey.objects.get(pk=issued.api_key.pk)

    by_person = call(FlakyView, user=owner)
    request = APIRequestFactory().post(
        "/made/", {"name": "x"}, format="json", headers={"Idempotency-Key": KEY}
    )
    force_authenticate(request, user=owner, token=key)
    by_key = FlakyView.as_view()(request)

    assert (by_person.status_code, by_key.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in by_key
    assert sorted(IdempotencyKey.objects.values_list("caller", flat=True)) == [
        f"api-key:{key.pk}",
        f"user:{owner.pk}",
    ]


def test_other_methods_ignore_the_header(person):
    class EchoView(IdempotentCreateMixin, APIView):
        def put(self, request):
            return Response({"ok": True})

    request = APIRequestFactory().put("/made/", {}, format="json", headers={"Idempotency-Key": ""})
    force_authenticate(request, user=person)

    assert EchoView.as_view()(request).status_code == 200
    assert not IdempotencyKey.objects.exists()
