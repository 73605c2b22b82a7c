"""The API side of idempotent writes: a mixin any DRF view takes to honour ``Idempotency-Key``.

::

    class OrderListView(IdempotentCreateMixin, GenericAPIView):
        def post(self, request): ...

A POST with the header then runs once per caller and key; a retry gets the stored answer.
The mixin also marks the view for the OpenAPI schema (config.openapi documents the header,
the 409 and 422 answers and the ``Idempotent-Replayed`` header of each such operation).
"""

import logging

from django.http import HttpResponse
from rest_framework.request import Request

from accounts.models import ApiKey
from idempotency import services
from idempotency.errors import IdempotencyKeyInFlight, InvalidIdempotencyKey
from idempotency.keys import HEADER, REPLAYED_HEADER, key_problem, request_fingerprint
from idempotency.models import IdempotencyKey

logger = logging.getLogger(__name__)

# The headers of an answer that are part of it (replayed with the body); the others (request
# id, Vary, cookies) belong to each delivery.
STORED_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Location")
IN_FLIGHT_RETRY_AFTER_SECONDS = 1


class _Replay(Exception):
    """Raised by ``initial`` to answer with a stored response (see ``handle_exception``)."""

    def __init__(self, row: IdempotencyKey):
        super().__init__("replay")
        self.row = row


class IdempotentCreateMixin:
    """Honour the ``Idempotency-Key`` header on the view's creating methods (POST).

    After authentication, permissions and throttles (so that a replay is only ever given to
    whoever may make the request), the key is claimed for the caller before the handler runs
    (idempotency.services.claim_key: one of any number of concurrent requests runs, the others
    get 409 while it runs, then its answer). The answer is stored when it is below 500, with
    its status, body and the headers of ``STORED_HEADERS``; a 5xx or a crash releases the key,
    so that the request can be retried with it. Without the header the view runs as ever.

    ``idempotency_caller`` says who the caller is: the API key, else the signed-in person. A
    view serving anonymous callers overrides it to name one (a cart token's digest, never the
    token itself; at most 100 characters); a key sent by an anonymous caller the view cannot
    name is refused (400).
    """

    idempotent_methods: frozenset[str] = frozenset({"POST"})

    def idempotency_caller(self, request: Request) -> str | None:
        if isinstance(request.auth, ApiKey):
            return services.api_key_caller(request.auth.pk)
        if request.user is not None and request.user.is_authenticated:
            return services.person_caller(request.user.pk)
        return None

    def initial(self, request: Request, *args, **kwargs) -> None:
        self._idempotency_claim = None
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if key is None or request.method not in self.idempotent_methods:
            return
        problem = key_problem(key)
        if problem:
            raise InvalidIdempotencyKey(problem)
        caller = self.idempotency_caller(request)
        if caller is None:
            raise InvalidIdempotencyKey(
                "Sign in, or use an API key, to send an Idempotency-Key to this endpoint."
            )
        fingerprint = request_fingerprint(
            method=request.method, path=request.get_full_path(), data=request.data
        )
        claim = services.claim_key(caller=caller, key=key, fingerprint=fingerprint)
        if claim.replay:
            raise _Replay(claim.row)
        self._idempotency_claim = claim

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return replayed_response(exc.row)
        response = super().handle_exception(exc)
        if isinstance(exc, IdempotencyKeyInFlight):
            response["Retry-After"] = str(IN_FLIGHT_RETRY_AFTER_SECONDS)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claim, self._idempotency_claim = getattr(self, "_idempotency_claim", None), None
        if claim is not None:
            _store_or_release(claim, response)
        return response

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # Still claimed: the handler raised past DRF's exception handling (a 500).
            claim, self._idempotency_claim = getattr(self, "_idempotency_claim", None), None
            if claim is not None:
                _release_quietly(claim)


def _store_or_release(claim: services.Claim, response: HttpResponse) -> None:
    if response.status_code >= 500 or response.streaming:
        _release_quietly(claim)
        return
    if not getattr(response, "is_rendered", True):
        response.render()  # rendered once: Django's handler sees it is done
    headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
    services.record_response(
        claim=claim, status=response.status_code, headers=headers, body=response.content
    )


def _release_quietly(claim: services.Claim) -> None:
    # Never hide the failure being answered; an unreleased key is taken over after
    # IDEMPOTENCY_IN_FLIGHT_SECONDS anyway.
    try:
        services.release_key(claim=claim)
    except Exception:
        logger.exception("Could not release an idempotency key after a failed request.")


def replayed_response(row: IdempotencyKey) -> HttpResponse:
    """The stored answer of ``row``, as first sent, marked as a replay."""
    response = HttpResponse(bytes(row.response_body), status=row.response_status)
    if "Content-Type" not in row.response_headers:
        del response["Content-Type"]
    for name, value in row.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response
