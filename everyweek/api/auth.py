"""Who is calling the API, and with which scope.

Two ways in, tried in this order by ninja (so OpenAPI documents both):

- `Authorization: Bearer ew_…`: a personal token. A token that does not check out is refused
  with 401 even when a session cookie came along, and failures are rate-limited per address.
- the browser's session, with Django's CSRF check on unsafe methods.

Scopes: `read` tokens may only read; `write` tokens may write what the owner's role allows;
`admin` tokens (only administrators hold them) reach admin endpoints. A session has the scope
of its role. What anyone may *see* is still decided by everyweek.core.access, on the owner.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from everyweek.api import errors, ratelimit
from everyweek.api.models import ApiToken, TokenScope
from everyweek.api.services import authenticate_token
from everyweek.core.access import is_admin, is_leader
from everyweek.people.models import Person

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SCOPE_LEVELS = {TokenScope.READ: 0, TokenScope.WRITE: 1, TokenScope.ADMIN: 2}


def _admit(request: HttpRequest, ident: str) -> None:
    """The general request budget, per token or per person."""
    retry_after = ratelimit.hit(ratelimit.requests(), ident)
    if retry_after is not None:
        raise errors.rate_limited(retry_after)


class BearerToken(HttpBearer):
    """`Authorization: Bearer ew_…` — only a digest of the secret is stored."""

    def __call__(self, request: HttpRequest) -> Any:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None  # no token: let the session try
        ip = ratelimit.client_ip(request)
        retry_after = ratelimit.exceeded(ratelimit.auth_failures(), ip)
        if retry_after is not None:
            raise errors.rate_limited(retry_after)
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = authenticate_token(token)
        if api_token is None:
            ratelimit.hit(ratelimit.auth_failures(), ratelimit.client_ip(request))
            raise AuthenticationError()
        # Read tokens never write, whatever the endpoint; checked before the body is parsed.
        if api_token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise errors.insufficient_scope(TokenScope.WRITE)
        _admit(request, f"token:{api_token.pk}")
        request.user = api_token.owner
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.owner


class SessionAuth(APIKeyCookie):
    """The browser's session; unsafe methods need Django's CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        # Anonymous callers get 401, not a CSRF complaint.
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise errors.csrf_failed()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        _admit(request, f"person:{request.user.pk}")
        return request.user


def session_or_token() -> list[Any]:
    return [BearerToken(), SessionAuth()]


def caller(request: HttpRequest) -> Person:
    person = getattr(request, "auth", None)
    if not isinstance(person, Person):
        raise AuthenticationError()
    return person


def current_token(request: HttpRequest) -> ApiToken | None:
    return getattr(request, "api_token", None)


def effective_scope(request: HttpRequest) -> str:
    token = current_token(request)
    if token is not None:
        return str(token.scope)
    return TokenScope.ADMIN if is_admin(caller(request)) else TokenScope.WRITE


def has_scope(request: HttpRequest, needed: str) -> bool:
    return SCOPE_LEVELS[TokenScope(effective_scope(request))] >= SCOPE_LEVELS[TokenScope(needed)]


def require_scope(request: HttpRequest, needed: str) -> Person:
    """The caller, if their token (or session) carries `needed`; 403 otherwise.

    `admin` also needs the owner to be an administrator *now*: a demoted admin's old
    admin token stops reaching admin endpoints.
    """
    person = caller(request)
    if needed == TokenScope.ADMIN and not is_admin(person):
        raise errors.permission_denied()
    if not has_scope(request, needed):
        raise errors.insufficient_scope(needed)
    return person


def require_admin(request: HttpRequest) -> Person:
    return require_scope(request, TokenScope.ADMIN)


def require_leader(request: HttpRequest, needed: str = TokenScope.READ) -> Person:
    person = require_scope(request, needed)
    if not is_leader(person):
        raise errors.permission_denied()
    return person
