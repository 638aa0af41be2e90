"""The API's own endpoints: who am I, and personal access tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from everyweek.api import errors, services
from everyweek.api.auth import (
    SCOPE_LEVELS,
    caller,
    current_token,
    effective_scope,
    has_scope,
    require_scope,
)
from everyweek.api.models import ApiToken, TokenScope
from everyweek.api.pagination import paginated
from everyweek.api.schemas import TokenCreatedOut, TokenIn, TokenOut
from everyweek.core.access import get_person_for_user, is_admin, is_leader
from everyweek.people.api import PersonOut

router = Router(tags=["account"])


class MeOut(Schema):
    person: PersonOut
    scope: TokenScope
    token: TokenOut | None
    is_admin: bool
    is_leader: bool


@router.get("/me", response=MeOut, summary="Who is calling, with which scope")
def me(request: HttpRequest) -> dict[str, object]:
    person = caller(request)
    token = current_token(request)
    return {
        "person": get_person_for_user(person, person.pk),
        "scope": effective_scope(request),
        "token": token,
        "is_admin": is_admin(person),
        "is_leader": is_leader(person),
    }


def _tokens_for(request: HttpRequest, owner_id: int | None) -> QuerySet[ApiToken]:
    person = caller(request)
    tokens = ApiToken.objects.select_related("owner")
    if owner_id is None or owner_id == person.pk:
        return tokens.filter(owner=person)
    # Someone else's tokens: administrators with an admin-scope token or session only.
    require_scope(request, TokenScope.ADMIN)
    return tokens.filter(owner_id=owner_id)


@router.get("/tokens", response=list[TokenOut], summary="List your API tokens")
@paginated
def list_tokens(
    request: HttpRequest, owner_id: int | None = None, live: bool | None = None
) -> QuerySet[ApiToken]:
    """Your own tokens; administrators may pass `owner_id` to see someone else's."""
    tokens = _tokens_for(request, owner_id)
    if live is True:
        tokens = tokens.filter(revoked_at__isnull=True)
    elif live is False:
        tokens = tokens.filter(revoked_at__isnull=False)
    return tokens.order_by("-created_at", "-pk")


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """The response carries the secret once; only a digest is stored. A token never carries
    more than the request that creates it: a write token cannot mint an admin token."""
    actor = require_scope(request, TokenScope.WRITE)
    owner = actor
    if payload.owner_id is not None and payload.owner_id != actor.pk:
        require_scope(request, TokenScope.ADMIN)
        owner = get_person_for_user(actor, payload.owner_id)
    # Scopes the owner may not hold at all are refused by the service, as permission_denied.
    stronger = SCOPE_LEVELS[payload.scope] > SCOPE_LEVELS[TokenScope(effective_scope(request))]
    if stronger and payload.scope in services.allowed_scopes(owner):
        raise errors.insufficient_scope(payload.scope)
    token, secret = services.create_token(
        actor=actor,
        owner=owner,
        name=payload.name,
        scope=payload.scope,
        expires_at=payload.expires_at,
    )
    out = TokenOut.model_validate(token).model_dump()
    return Status(201, {**out, "secret": secret})


@router.delete("/tokens/{int:token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    """Your own token, or anyone's for administrators (admin scope). Revoking twice is fine."""
    actor = require_scope(request, TokenScope.WRITE)
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise errors.not_found()
    if token.owner_id != actor.pk and not (
        is_admin(actor) and has_scope(request, TokenScope.ADMIN)
    ):
        raise errors.not_found()  # someone else's token: as if it did not exist
    services.revoke_token(actor=actor, token=token)
    return Status(204, None)
