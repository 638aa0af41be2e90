"""API tokens: created once (the secret is shown one time), stored hashed, revocable."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from everyweek.api.models import ApiToken, TokenScope
from everyweek.core import audit
from everyweek.people.models import Person, Role

TOKEN_PREFIX = "ew_"  # noqa: S105 - a public marker, not a secret


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenError(ValueError):
    pass


@transaction.atomic
def create_token(
    *, actor: Person, owner: Person, name: str, scope: str = TokenScope.READ, expires_at: Any = None
) -> tuple[ApiToken, str]:
    """Returns the token row and the plain secret, which is never stored and never shown again."""
    if scope == TokenScope.ADMIN and owner.role != Role.ADMIN:
        raise TokenError("Only administrators can hold admin tokens.")
    if actor.pk != owner.pk and actor.role != Role.ADMIN:
        raise TokenError("Only administrators can create tokens for someone else.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        prefix=secret[:10],
        digest=_digest(secret),
        scope=scope,
        expires_at=expires_at,
    )
    audit.record(actor, "api_token.create", token, {"owner": owner.pk, "scope": scope})
    return token, secret


def authenticate_token(secret: str) -> ApiToken | None:
    """The live token for this secret, or None. Marks it used at most once a minute."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("owner")
        .filter(digest=_digest(secret), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )
    if token is None or (token.expires_at and token.expires_at <= now):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def revoke_token(*, actor: Person, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "api_token.revoke", token)
    return token


def revoke_tokens_of(person: Person) -> int:
    return ApiToken.objects.filter(owner=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
