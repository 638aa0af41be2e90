from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from everyweek.api.services import authenticate_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        request.user = api_token.owner
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.owner


class SessionOrTokenAuth(APIKeyCookie):
    """A browser session (with CSRF on writes), or a bearer token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)
        self._bearer = BearerToken()

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return self._bearer(request)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None
