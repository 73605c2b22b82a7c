"""Writes of idempotent requests: claim a key, record or release its answer, expire keys.

Every function works in the current store's schema: a key used at store A is unknown at B.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from idempotency.errors import IdempotencyKeyInFlight, IdempotencyKeyReused
from idempotency.models import IdempotencyKey

# Claiming retries when the row it found is removed or taken over meanwhile; more than a few
# rounds would mean a storm of requests with one key, answered as in flight.
_CLAIM_ATTEMPTS = 3


def person_caller(user_id: int) -> str:
    return f"user:{user_id}"


def api_key_caller(api_key_id: int) -> str:
    return f"api-key:{api_key_id}"


@dataclass(frozen=True)
class Claim:
    """A claimed key: ``row`` is the caller's to run the request under, or, when ``replay``,
    holds the answer the first request got."""

    row: IdempotencyKey
    replay: bool


def key_lifetime() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def claim_key(*, caller: str, key: str, fingerprint: str, now: datetime | None = None) -> Claim:
    """Claim ``key`` for ``caller`` before running a request, or find the answer to replay.

    Guarantees: the row is inserted and committed in a transaction of its own, before the
    request runs, under the unique ``(caller, key)``: of any number of concurrent requests
    with one key exactly one claims it. The others get ``IdempotencyKeyReused`` (422) when
    their fingerprint differs, ``IdempotencyKeyInFlight`` (409) while the first runs, and the
    stored answer (``replay``) once it is done. A key older than ``IDEMPOTENCY_KEY_HOURS``, or
    left in flight longer than ``IDEMPOTENCY_IN_FLIGHT_SECONDS`` (its process died), is taken
    over by the next request, by one conditional UPDATE (one taker wins).
    """
    now = now or timezone.now()
    for _ in range(_CLAIM_ATTEMPTS):
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    caller=caller, key=key, fingerprint=fingerprint, created_at=now
                )
            return Claim(row=row, replay=False)
        except IntegrityError:
            pass  # the key is taken: by whom, and how far along?
        row = IdempotencyKey.objects.filter(caller=caller, key=key).first()
        if row is None:
            continue  # expired and deleted meanwhile: claim it afresh
        if row.created_at <= now - key_lifetime():
            taken = _take_over(row, fingerprint=fingerprint, now=now)
            if taken is not None:
                return Claim(row=taken, replay=False)
            continue
        if row.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used for another request (method, path or body). "
                "Use a new key for a new request."
            )
        if not row.in_flight:
            return Claim(row=row, replay=True)
        abandoned = now - timedelta(seconds=settings.IDEMPOTENCY_IN_FLIGHT_SECONDS)
        if row.created_at <= abandoned:
            taken = _take_over(row, fingerprint=fingerprint, now=now)
            if taken is not None:
                return Claim(row=taken, replay=False)
            continue
        break
    raise IdempotencyKeyInFlight(
        "A request with this Idempotency-Key is still being processed. Retry in a moment to "
        "get its answer."
    )


def _take_over(row: IdempotencyKey, *, fingerprint: str, now: datetime) -> IdempotencyKey | None:
    # ``created_at`` is the row's version: of two takers, the second matches nothing.
    taken = IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).update(
        fingerprint=fingerprint,
        created_at=now,
        response_status=None,
        response_headers={},
        response_body=b"",
        completed_at=None,
    )
    if not taken:
        return None
    row.fingerprint, row.created_at, row.response_status = fingerprint, now, None
    row.response_headers, row.response_body, row.completed_at = {}, b"", None
    return row


def record_response(*, claim: Claim, status: int, headers: dict[str, str], body: bytes) -> bool:
    """Store the answer of the request that claimed the key, for replays; False when the
    claim was lost meanwhile (expired and taken over), in which case nothing is written."""
    return bool(
        IdempotencyKey.objects.filter(
            pk=claim.row.pk, created_at=claim.row.created_at, response_status__isnull=True
        ).update(
            response_status=status,
            response_headers=headers,
            response_body=body,
            completed_at=timezone.now(),
        )
    )


def release_key(*, claim: Claim) -> None:
    """Give the key back (the request failed with a 5xx, or crashed): a retry runs afresh."""
    IdempotencyKey.objects.filter(
        pk=claim.row.pk, created_at=claim.row.created_at, response_status__isnull=True
    ).delete()


def delete_expired_keys(*, now: datetime | None = None) -> int:
    """Delete the keys older than ``IDEMPOTENCY_KEY_HOURS`` (in flight or not); their number."""
    cutoff = (now or timezone.now()) - key_lifetime()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lte=cutoff).delete()
    return deleted


def forget_caller(*, caller: str) -> int:
    """Delete every key (and stored answer) of ``caller``: a person erased, for instance."""
    deleted, _ = IdempotencyKey.objects.filter(caller=caller).delete()
    return deleted
