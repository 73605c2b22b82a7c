"""The ``Idempotency-Key`` header: its rules, and the fingerprint of the request it names.

Plain functions without models, so that the OpenAPI schema (config.openapi) can state the
same rules the API enforces.
"""

import hashlib
import json
import re

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 255
# Visible ASCII (letters, digits, punctuation): a UUID, a ULID or an order reference fits.
PATTERN = r"^[\x21-\x7e]+$"
_KEY = re.compile(PATTERN)

HEADER_DESCRIPTION = (
    "Makes this write safe to retry: 1 to 255 visible ASCII characters (a UUID is a good "
    "choice), unique per request you mean to make. The first answer is stored for 24 hours "
    "for you (your account or API key) at this store, and any later request with the same key "
    f"gets that answer again, marked `{REPLAYED_HEADER}: true`, without doing anything twice. "
    "The same key with another method, path or body: 422 `idempotency_key_reused`; while the "
    "first request is still running: 409 `idempotency_key_in_flight` (retry after "
    "`Retry-After` seconds). A 5xx answer is not stored: retry it with the same key."
)


def key_problem(value: str) -> str | None:
    """Why ``value`` is not a valid key, or None when it is."""
    if not value:
        return "Send a key of 1 to 255 characters, or no header."
    if len(value) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters (this one has {len(value)})."
    if not _KEY.match(value):
        return "Use visible ASCII characters only: letters, digits and punctuation, no spaces."
    return None


def request_fingerprint(*, method: str, path: str, data) -> str:
    """A SHA-256 of the method, the path (with its query string) and the parsed body.

    The body is taken as parsed, in a canonical form: a JSON body's key order and spacing do
    not matter, nor does a multipart body's boundary; an uploaded file counts by its name,
    size and content.
    """
    canonical = json.dumps(
        _canonical(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(f"{method.upper()}\n{path}\n{canonical}".encode()).hexdigest()


def _canonical(value):
    if isinstance(value, QueryDict):
        return {name: [_canonical(item) for item in items] for name, items in value.lists()}
    if isinstance(value, dict):
        return {str(name): _canonical(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, UploadedFile):
        return {"file": value.name, "size": value.size, "sha256": _file_digest(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _file_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)  # the view reads it next
    return digest.hexdigest()
