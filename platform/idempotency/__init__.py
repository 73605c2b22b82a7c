"""Idempotent API writes: the ``Idempotency-Key`` header, stored answers and their replay."""
