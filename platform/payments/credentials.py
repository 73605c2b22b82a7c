"""A store's provider credentials, encrypted at rest.

One :class:`payments.models.ProviderAccount` row per method code, in the store's schema. The
fields a provider declares (``provider.credential_fields``) split in two: secret ones (API
keys, webhook secrets) are kept as one Fernet token of their JSON in ``secrets``; the others
(a publishable key, a capture mode) in plain ``options``.

Keys come from the environment: ``MERCATO_ENCRYPTION_KEYS``, comma-separated Fernet keys
(``Fernet.generate_key()``). The first encrypts; every one decrypts (MultiFernet), so a key is
rotated by putting the new one first, running ``manage.py rotate_payment_credentials`` (which
re-encrypts every store's rows with the first key), then dropping the old one. With DEBUG and
no keys, a key derived from SECRET_KEY is used (development only); without DEBUG and no keys,
reading or saving credentials raises EncryptionKeysMissing.

The API for providers::

    credentials.get(code) -> dict          # secrets and options merged; {} when not set
    credentials.save(code, data, actor=None)

Secrets are never logged, returned by the API, exported, nor shown again after saving: the
store admin sees which fields are saved (:func:`saved_names`), never their values.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction

from payments import gateway
from payments.errors import EncryptionKeysMissing, PaymentError
from payments.models import ProviderAccount

VALUE_MAX_LENGTH = 4000


def _keys() -> list[bytes]:
    raw = getattr(settings, "MERCATO_ENCRYPTION_KEYS", "") or ""
    keys = [key.strip().encode() for key in raw.split(",") if key.strip()]
    if keys:
        return keys
    if settings.DEBUG or getattr(settings, "MERCATO_ENCRYPTION_DEVELOPMENT_KEY", False):
        digest = hashlib.sha256(b"mercato-payment-credentials:" + settings.SECRET_KEY.encode())
        return [base64.urlsafe_b64encode(digest.digest())]
    raise EncryptionKeysMissing(
        "MERCATO_ENCRYPTION_KEYS is not set: payment credentials cannot be encrypted."
    )


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError as error:  # a key that is not 32 url-safe base64-encoded bytes
        raise EncryptionKeysMissing(
            "MERCATO_ENCRYPTION_KEYS holds a key that is not a Fernet key."
        ) from error


def encrypt(values: dict) -> str:
    if not values:
        return ""
    return _fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise EncryptionKeysMissing(
            "The payment credentials were encrypted with a key MERCATO_ENCRYPTION_KEYS no "
            "longer holds."
        ) from None


def get(code: str) -> dict:
    """The saved credentials of provider ``code``: secrets (decrypted) and options merged;
    {} when nothing was saved."""
    account = ProviderAccount.objects.filter(code=code).first()
    if account is None:
        return {}
    return {**(account.options or {}), **decrypt(account.secrets)}


def saved_names() -> dict[str, set[str]]:
    """For every provider with saved credentials, the names of the fields saved (non-empty);
    values are never read. One query."""
    return {
        code: set(names)
        for code, names in ProviderAccount.objects.values_list("code", "saved_fields")
    }


def save(code: str, data: dict, actor=None) -> ProviderAccount:
    """Save provider ``code``'s credentials from ``data`` (field name -> value), validated
    against its ``credential_fields``: unknown names, values too long, a choice not offered and
    a required field neither given nor saved are refused (PaymentError 400 per field, nothing
    saved). An empty secret field keeps the saved value (the form never shows it again); an
    empty non-secret field clears it."""
    try:
        provider = gateway.get(code)
    except KeyError:
        raise PaymentError(
            "This payment method does not exist.",
            fields={"code": [f"Unknown payment method “{code}”."]},
        ) from None
    declared = {f.name: f for f in provider.credential_fields}
    errors: dict[str, list[str]] = {}
    for name in data:
        if name not in declared:
            errors[name] = [f"Not a setting of {provider.name}."]
    with transaction.atomic():
        account = ProviderAccount.objects.select_for_update().filter(code=code).first()
        secrets = decrypt(account.secrets) if account else {}
        options = dict(account.options or {}) if account else {}
        for name, spec in declared.items():
            if name not in data:
                continue
            value = data[name]
            value = "" if value is None else str(value).strip()
            if len(value) > VALUE_MAX_LENGTH:
                errors[name] = [f"At most {VALUE_MAX_LENGTH:,} characters."]
                continue
            if value and spec.choices and value not in {str(c[0]) for c in spec.choices}:
                errors[name] = ["Choose one of the options offered."]
                continue
            if spec.secret:
                if value:
                    secrets[name] = value
            elif value:
                options[name] = value
            else:
                options.pop(name, None)
        for name, spec in declared.items():
            if spec.required and name not in errors:
                held = secrets if spec.secret else options
                if not held.get(name):
                    errors[name] = ["Required."]
        if errors:
            raise PaymentError(f"The {provider.name} settings cannot be saved.", fields=errors)
        if account is None:
            account = ProviderAccount(code=code)
        account.secrets = encrypt(secrets)
        account.options = options
        account.saved_fields = sorted(
            name for name in declared if (secrets if declared[name].secret else options).get(name)
        )
        account.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        account.save()
    return account


def forget(code: str) -> None:
    """Delete provider ``code``'s credentials (the store disconnects it)."""
    ProviderAccount.objects.filter(code=code).delete()


def rotate() -> int:
    """Re-encrypt the current store's credentials with the first key (rows rotated)."""
    fernet = _fernet()
    count = 0
    with transaction.atomic():
        for account in ProviderAccount.objects.select_for_update().exclude(secrets=""):
            account.secrets = fernet.rotate(account.secrets.encode()).decode()
            account.save(update_fields=["secrets", "updated_at"])
            count += 1
    return count
