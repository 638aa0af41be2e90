"""What every webhook handler shares: signature checks, the parsed delivery, the errors.

A handler module (delighted.py, typeform.py…) provides

    verify(integration, headers, body, now) -> None      raises SignatureError
    parse(integration, headers, body, payload) -> Delivery   raises RowError / PayloadError

Signatures are compared with `hmac.compare_digest` over the raw body, before the body is
parsed. Vendors that sign a timestamp (Standard Webhooks / Formbricks, Chatwoot) are refused
when it is more than five minutes away from our clock; for the others a replay is caught by
the event id, which is unique per integration.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from everyweek.feedback.services import FeedbackError
from everyweek.integrations.importers.base import ResponseRow
from everyweek.integrations.models import Integration

TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """A missing, wrong, stale or replayed signature: answered with 401, nothing stored."""


class PayloadError(FeedbackError):
    """A signed body we cannot use (not JSON, not the expected shape)."""


@dataclass
class Delivery:
    event_id: str
    event_type: str = ""
    responses: list[ResponseRow] = field(default_factory=list)
    unsubscribes: list[str] = field(default_factory=list)


def secret_of(integration: Integration) -> str:
    """The signing secret: from the named environment variable, else as stored."""
    if integration.secret_env:
        return os.environ.get(integration.secret_env, "")
    return integration.secret


def require_secret(integration: Integration) -> bytes:
    secret = secret_of(integration)
    if not secret:
        raise SignatureError(_("This integration has no signing secret configured."))
    return secret.encode()


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def same(expected: str, received: str) -> bool:
    return hmac.compare_digest(expected.encode(), received.encode())


def check_timestamp(raw: str | None, now: float) -> int:
    try:
        stamp = int(str(raw or "").strip())
    except ValueError:
        raise SignatureError(_("The webhook timestamp is missing or not a number.")) from None
    if abs(now - stamp) > TOLERANCE_SECONDS:
        raise SignatureError(_("The webhook timestamp is too old or in the future."))
    return stamp


def decode_whsec(secret: str) -> bytes:
    """A Standard Webhooks secret ("whsec_" + base64) as the HMAC key bytes."""
    raw = secret[6:] if secret.startswith("whsec_") else secret
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(_("The signing secret is not a valid whsec_ secret.")) from None


def header(headers: Mapping[str, str], name: str) -> str:
    return str(headers.get(name, "") or "")


def obj(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(_("“%(name)s” must be a JSON object.") % {"name": name})
    return value
