"""Helpers for API tests (also used by the apps' own API tests): tokens for the persona users,
a JSON client, the error-shape assertion, and a fresh cache per test so rate-limit counters
never leak from one test into the next (or into a shared Redis)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from everyweek.api.models import TokenScope
from everyweek.api.services import create_token
from everyweek.people.models import Person


@pytest.fixture(autouse=True)
def fresh_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-tests-{uuid.uuid4()}",
        }
    }


def token_for(person: Person, scope: str = TokenScope.READ, **fields: Any) -> str:
    _token, secret = create_token(actor=person, owner=person, name="test", scope=scope, **fields)
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


class Api:
    """A test client that talks JSON with a bearer token."""

    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.headers = bearer(secret)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            path, body or {}, content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, body, content_type="application/json", headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self.headers)


def api_for(person: Person, scope: str = TokenScope.READ) -> Api:
    return Api(token_for(person, scope))


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    return dict(body["error"])
