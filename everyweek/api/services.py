"""API tokens: created once (the secret is shown one time), stored hashed, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.api.models import ApiToken, TokenScope
from everyweek.core import audit
from everyweek.people.models import Person, Role

TOKEN_PREFIX = "ew_"  # noqa: S105 - a public marker, not a secret


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenError(ValueError):
    """A refused token request; `field` names the input at fault when it is a validation error."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def allowed_scopes(person: Person) -> list[TokenScope]:
    """The scopes a person's tokens may carry: admin scope for administrators only."""
    if person.is_active and person.role == Role.ADMIN:
        return [TokenScope.READ, TokenScope.WRITE, TokenScope.ADMIN]
    return [TokenScope.READ, TokenScope.WRITE]


@transaction.atomic
def create_token(
    *,
    actor: Person,
    owner: Person,
    name: str,
    scope: str = TokenScope.READ,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Returns the token row and the plain secret, which is never stored and never shown again."""
    if actor.pk != owner.pk and actor.role != Role.ADMIN:
        raise TokenError(_("Only administrators can create tokens for someone else."))
    if not owner.is_active:
        raise TokenError(_("Tokens cannot be created for someone who has left."))
    if scope == TokenScope.ADMIN and owner.role != Role.ADMIN:
        raise TokenError(_("Only administrators can hold admin tokens."))
    if scope not in allowed_scopes(owner):
        raise TokenError(_("Unknown scope."), field="scope")
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name, so you can tell it apart later."), field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("The expiry date must be in the future."), field="expires_at")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner,
        name=name[:100],
        prefix=secret[:10],
        digest=_digest(secret),
        scope=scope,
        expires_at=expires_at,
    )
    audit.record(actor, "api_token.create", token, {"owner": owner.pk, "scope": scope})
    return token, secret


def authenticate_token(secret: str) -> ApiToken | None:
    """The live token for this secret, or None. Marks it used at most once a minute."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
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
        token.last_used_at = now
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
