from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from everyweek.integrations import services
from everyweek.integrations.models import Integration
from everyweek.integrations.webhooks import chatwoot, delighted, formbricks, typeform

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "s3cret"
FORMBRICKS_SECRET = "whsec_" + base64.b64encode(b"formbricks-test-key-0123456789ab").decode()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


@pytest.fixture(autouse=True)
def _clean_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def make_integration(db: Any) -> Callable[..., Integration]:
    def make(
        vendor: str, name: str | None = None, secret: str = SECRET, **kwargs: Any
    ) -> Integration:
        integration, _token = services.create_integration(
            actor=None, vendor=vendor, name=name or vendor.title(), secret=secret, **kwargs
        )
        return integration

    return make


def signed_headers(
    integration: Integration, body: bytes, *, now: float | None = None
) -> dict[str, str]:
    """The headers the vendor would send with this body."""
    secret = integration.secret.encode()
    stamp = str(int(time.time() if now is None else now))
    if integration.vendor == "delighted":
        return {delighted.SIGNATURE_HEADER: delighted.sign(secret, body)}
    if integration.vendor == "typeform":
        return {typeform.SIGNATURE_HEADER: typeform.sign(secret, body)}
    if integration.vendor == "formbricks":
        msg_id = "msg_" + str(abs(hash(body)))
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": stamp,
            "webhook-signature": formbricks.sign(integration.secret, msg_id, stamp, body),
        }
    if integration.vendor == "chatwoot":
        return {
            chatwoot.SIGNATURE_HEADER: chatwoot.sign(secret, stamp, body),
            "X-Chatwoot-Timestamp": stamp,
            "X-Chatwoot-Delivery": "delivery-" + str(abs(hash(body))),
        }
    raise AssertionError(integration.vendor)


def post_hook(
    client: Client, integration: Integration, body: bytes, headers: dict[str, str], query: str = ""
) -> Any:
    url = f"/hooks/{integration.vendor}/{integration.endpoint}/{query}"
    return client.post(url, data=body, content_type="application/json", headers=headers)
