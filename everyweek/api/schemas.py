"""Schemas shared across the API's routers, and the API's own (tokens)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from everyweek.api.models import TokenScope


class PersonRef(Schema):
    id: int
    full_name: str


class NamedRef(Schema):
    id: int
    name: str


class ErrorDetailOut(Schema):
    loc: list[str]
    message: str
    type: str


class ErrorBodyOut(Schema):
    code: str
    message: str
    details: list[ErrorDetailOut]


class ErrorOut(Schema):
    error: ErrorBodyOut


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the secret, to tell tokens apart.")
    scope: TokenScope
    owner: PersonRef
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    is_live: bool


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="Shown this once; only a digest is stored.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    scope: TokenScope = TokenScope.READ
    expires_at: dt.datetime | None = Field(None, description="Omit for a token that never expires.")
    owner_id: int | None = Field(
        None, description="Administrators only: create the token for someone else."
    )


def as_dict(schema: Schema) -> dict[str, Any]:
    """Only the fields the client actually sent (for partial updates)."""
    return schema.model_dump(exclude_unset=True)
