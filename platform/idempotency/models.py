"""One table: each key a caller used at this store, and the answer it got."""

from django.db import models
from django.utils import timezone

from idempotency.keys import MAX_LENGTH


class IdempotencyKey(models.Model):
    """A caller's ``Idempotency-Key`` and the first answer to the request it came with.

    The row is written before the request runs (its unique ``(caller, key)`` makes that the
    lock: of two requests with one key, one inserts, the other finds the row), and the answer
    once it ran: ``response_status`` is empty while the request is in flight.
    """

    caller = models.CharField(
        max_length=100, help_text="Who used the key: user:<id>, api-key:<id>, or a view's own."
    )
    key = models.CharField(max_length=MAX_LENGTH)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the method, path and canonical body."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    response_body = models.BinaryField(default=b"", blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotency_key_per_caller")
        ]
        verbose_name = "idempotency key"

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"

    @property
    def in_flight(self) -> bool:
        return self.response_status is None
