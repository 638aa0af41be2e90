"""Secrets kept in the database (webhook signing secrets, incoming-webhook URLs), encrypted at rest.

A stolen backup or a read-only SQL injection should not hand out the keys that let someone forge
a vendor's webhook or post to the company's Slack. Values are encrypted with Fernet
(AES-128-CBC + HMAC-SHA256) under `EVERYWEEK_SECRETS_KEY`: one or more comma-separated Fernet
keys, the first encrypting, all decrypting, so a key can be rotated without downtime
(`everyweek rotate_secrets` then re-encrypts every value under the first key).

Without that setting the key is derived from `SECRET_KEY` (a system check warns in production),
which keeps the demo working with nothing to configure but ties the secrets to `SECRET_KEY`.
The derived key stays the last one tried for decryption, so setting a key for the first time
is a rotation like any other.

Stored values carry a prefix, so a value written before encryption existed is still read as
plain text; the migration that introduced a field re-saves those rows encrypted.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

log = logging.getLogger(__name__)

PREFIX = "enc1:"


class SecretUnreadable(Exception):
    """A stored value was encrypted under a key that is no longer configured."""


@cache
def _fernet(keys: tuple[str, ...], fallback: str) -> MultiFernet:
    # The key derived from SECRET_KEY always comes last, decrypting only once keys are set:
    # moving from the derived key to one's own is then the same as any rotation.
    derived = hashlib.sha256(b"everyweek secrets at rest\0" + fallback.encode()).digest()
    own = [Fernet(key.encode()) for key in keys]
    return MultiFernet([*own, Fernet(base64.urlsafe_b64encode(derived))])


def _box() -> MultiFernet:
    return _fernet(tuple(settings.EVERYWEEK_SECRETS_KEYS), settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    return PREFIX + _box().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    """The plain value; a legacy unprefixed value is returned as it is."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _box().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with EVERYWEEK_SECRETS_KEY; "
            "add the key it was written with to the list."
        ) from exc


def rotate(stored: str) -> str:
    """Re-encrypt under the first key (also encrypts a legacy plain value)."""
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    try:
        return PREFIX + _box().rotate(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("A stored secret cannot be decrypted to rotate it.") from exc


def valid_key(key: str) -> bool:
    try:
        Fernet(key.encode())
    except ValueError:
        return False
    return True


class EncryptedMixin:
    """Model field whose Python value is the plain text and whose column holds the ciphertext.

    A value that cannot be decrypted reads as "" (and is logged), so a page listing the rows
    still opens and the feature that needs the secret refuses, as with no secret at all.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return value
        try:
            return decrypt(value)
        except SecretUnreadable as exc:
            log.error("%s (%s)", exc, getattr(self, "name", "?"))
            return ""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        if value is None or value == "" or str(value).startswith(PREFIX):
            return value
        return encrypt(str(value))


class EncryptedCharField(EncryptedMixin, models.CharField):  # type: ignore[misc]
    """max_length bounds the column (the ciphertext); forms bound the plain value themselves."""


class EncryptedURLField(EncryptedMixin, models.URLField):  # type: ignore[misc]
    pass


def rotate_column(model: type[models.Model], name: str) -> tuple[int, list[Any]]:
    """Re-encrypt one column under the first key: (rows rewritten, pks that were unreadable).

    The raw ciphertext is read through a cast to a plain text column, not through the field,
    so a value under an unknown key is reported and left alone rather than blanked. Also used
    by the migrations that introduce an encrypted field, to encrypt the plain values.
    """
    from django.db.models.functions import Cast

    rows = (
        model._default_manager.exclude(**{f"{name}__isnull": True})
        .exclude(**{name: ""})
        .annotate(_raw=Cast(name, models.TextField()))
        .values_list("pk", "_raw")
    )
    done, unreadable = 0, []
    for pk, raw in list(rows):
        try:
            fresh = rotate(raw)
        except SecretUnreadable:
            unreadable.append(pk)
            continue
        model._default_manager.filter(pk=pk).update(**{name: fresh})
        done += 1
    return done, unreadable


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) whose column is encrypted, for rotation."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedMixin):
                found.append((model, field.attname))
    return found
