"""Who gets in, with which scope: tokens, sessions, CSRF and the rate limits."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from everyweek.api.models import ApiToken, TokenScope
from everyweek.api.services import create_token, revoke_token
from everyweek.api.tests.helpers import Api, api_for, assert_error, bearer, token_for
from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.people import services as people_services
from everyweek.people.models import Role


def test_token_is_stored_only_as_a_digest(org: Org) -> None:
    token, secret = create_token(actor=org.alice, owner=org.alice, name="laptop")
    assert secret.startswith("ew_")
    row = ApiToken.objects.values().get(pk=token.pk)
    assert secret not in {str(v) for v in row.values()}
    assert row["prefix"] == secret[:10]
    assert len(row["digest"]) == 64
    assert AuditEvent.objects.filter(action="api_token.create", target_id=str(token.pk)).exists()


def test_a_valid_token_identifies_its_owner(org: Org) -> None:
    response = api_for(org.alice).get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["email"] == "alice@example.com"
    assert body["scope"] == "read"
    assert body["token"]["prefix"].startswith("ew_")
    assert "secret" not in body["token"]


def test_use_of_a_token_is_recorded(org: Org) -> None:
    secret = token_for(org.alice)
    Api(secret).get("/api/me")
    assert ApiToken.objects.get(owner=org.alice).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer ew_not-a-real-token", "Bearer something-else", "Bearer ", "bearer ew_x"],
)
def test_unknown_tokens_are_refused(org: Org, header: str) -> None:
    response = Client().get("/api/me", headers={"Authorization": header})
    error = assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token" in error["message"].lower()


def test_a_revoked_token_is_refused(org: Org) -> None:
    token, secret = create_token(actor=org.alice, owner=org.alice, name="old")
    revoke_token(actor=org.alice, token=token)
    assert_error(Api(secret).get("/api/me"), 401, "not_authenticated")


def test_an_expired_token_is_refused(org: Org) -> None:
    secret = token_for(org.alice, expires_at=timezone.now() + dt.timedelta(hours=1))
    assert Api(secret).get("/api/me").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert_error(Api(secret).get("/api/me"), 401, "not_authenticated")


def test_a_deactivated_persons_token_is_refused(org: Org) -> None:
    secret = token_for(org.alice)
    people_services.deactivate_person(actor=org.ada, person=org.alice)
    assert_error(Api(secret).get("/api/me"), 401, "not_authenticated")


def test_a_token_of_someone_deactivated_outside_the_service_is_still_refused(org: Org) -> None:
    # Even if a row is switched off by hand, the owner's is_active is checked at sign-in.
    secret = token_for(org.alice)
    type(org.alice).objects.filter(pk=org.alice.pk).update(is_active=False)
    assert_error(Api(secret).get("/api/me"), 401, "not_authenticated")


def test_a_bad_token_is_refused_even_with_a_valid_session(org: Org) -> None:
    client = org.client_for(org.alice)
    response = client.get("/api/me", headers=bearer("ew_wrong"))
    assert_error(response, 401, "not_authenticated")


def test_anonymous_requests_are_refused(db: Any) -> None:
    assert_error(Client().get("/api/people"), 401, "not_authenticated")
    assert_error(
        Client().post("/api/tokens", {}, content_type="application/json"), 401, "not_authenticated"
    )


def test_read_token_cannot_write(org: Org) -> None:
    api = api_for(org.ada, TokenScope.READ)
    error = assert_error(
        api.post("/api/departments", {"name": "Billing", "kind": "service"}),
        403,
        "insufficient_scope",
    )
    assert "write" in error["message"]
    # Refused before the body is even read: an empty body is still a 403, not a 422.
    assert_error(api.post("/api/tokens"), 403, "insufficient_scope")
    assert_error(api.delete("/api/tokens/1"), 403, "insufficient_scope")


def test_write_token_cannot_reach_admin_endpoints(org: Org) -> None:
    api = api_for(org.ada, TokenScope.WRITE)
    assert_error(api.get("/api/audit-events"), 403, "insufficient_scope")
    assert_error(
        api.post("/api/departments", {"name": "Billing", "kind": "service"}),
        403,
        "insufficient_scope",
    )


def test_admin_token_reaches_admin_endpoints(org: Org) -> None:
    api = api_for(org.ada, TokenScope.ADMIN)
    assert api.get("/api/audit-events").status_code == 200
    response = api.post("/api/departments", {"name": "Billing", "kind": "service"})
    assert response.status_code == 201, response.content


def test_a_demoted_admins_admin_token_stops_reaching_admin_endpoints(org: Org) -> None:
    api = api_for(org.ada, TokenScope.ADMIN)
    people_services.update_person(actor=org.ada, person=org.ada, role=Role.MANAGER)
    assert_error(api.get("/api/audit-events"), 403, "permission_denied")


@pytest.mark.parametrize("persona", ["alice", "lenny", "mona", "erin"])
def test_admin_endpoints_refuse_non_admins_even_with_a_write_token(org: Org, persona: str) -> None:
    api = api_for(getattr(org, persona), TokenScope.WRITE)
    assert api.get("/api/audit-events").status_code == 403
    assert api.post("/api/departments", {"name": "X", "kind": "other"}).status_code == 403
    assert api.post(f"/api/people/{org.sam.pk}/deactivate").status_code == 403


def test_session_users_have_the_scope_of_their_role(org: Org) -> None:
    assert org.client_for(org.alice).get("/api/me").json()["scope"] == "write"
    assert org.client_for(org.ada).get("/api/me").json()["scope"] == "admin"
    assert org.client_for(org.ada).get("/api/audit-events").status_code == 200
    assert org.client_for(org.lenny).get("/api/audit-events").status_code == 403


def test_session_writes_need_the_csrf_token(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.alice)
    body = {"name": "script", "scope": "read"}
    refused = client.post("/api/tokens", body, content_type="application/json")
    assert_error(refused, 403, "csrf_failed")
    assert not ApiToken.objects.exists()

    client.get("/account/tokens/")  # sets the csrftoken cookie, as any page does
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/tokens", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201, accepted.content


def test_session_reads_need_no_csrf_token(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.alice)
    assert client.get("/api/me").status_code == 200


def test_tokens_need_no_csrf_token(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/tokens",
        {"name": "second", "scope": "read"},
        content_type="application/json",
        headers=bearer(token_for(org.alice, TokenScope.WRITE)),
    )
    assert response.status_code == 201


def test_repeated_bad_tokens_are_rate_limited(org: Org, settings: Any) -> None:
    settings.API_AUTH_FAILURE_LIMIT = 3
    settings.API_AUTH_FAILURE_WINDOW = 300
    good = token_for(org.alice)
    client = Client()
    for attempt in range(3):
        response = client.get("/api/me", headers=bearer(f"ew_guess{attempt}"))
        assert response.status_code == 401
    blocked = client.get("/api/me", headers=bearer("ew_guess-again"))
    assert_error(blocked, 429, "rate_limited")
    assert 1 <= int(blocked["Retry-After"]) <= 300
    # While blocked, even a good token from the same address waits: guessing gains nothing.
    assert client.get("/api/me", headers=bearer(good)).status_code == 429
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.7")
    assert other.get("/api/me", headers=bearer(good)).status_code == 200


def test_the_failure_limit_lifts_after_the_window(org: Org, settings: Any) -> None:
    settings.API_AUTH_FAILURE_LIMIT = 1
    settings.API_AUTH_FAILURE_WINDOW = 60
    good = token_for(org.alice)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        Client().get("/api/me", headers=bearer("ew_guess"))
        assert Client().get("/api/me", headers=bearer(good)).status_code == 429
        clock.shift(dt.timedelta(seconds=61))
        assert Client().get("/api/me", headers=bearer(good)).status_code == 200


def test_forwarded_addresses_count_only_behind_trusted_proxies(org: Org, settings: Any) -> None:
    settings.API_AUTH_FAILURE_LIMIT = 1
    client = Client()
    client.get("/api/me", headers={**bearer("ew_guess"), "X-Forwarded-For": "203.0.113.9"})
    # No trusted proxy: a forged X-Forwarded-For does not buy a fresh budget.
    spoofed = client.get("/api/me", headers={**bearer("ew_x"), "X-Forwarded-For": "198.51.100.1"})
    assert spoofed.status_code == 429

    settings.API_TRUSTED_PROXIES = 1
    fresh = client.get("/api/me", headers={**bearer("ew_x"), "X-Forwarded-For": "198.51.100.2"})
    assert fresh.status_code == 401


def test_requests_per_token_are_rate_limited(org: Org, settings: Any) -> None:
    settings.API_RATE_LIMIT = 2
    api = api_for(org.alice)
    assert api.get("/api/me").status_code == 200
    assert api.get("/api/me").status_code == 200
    limited = api.get("/api/me")
    assert_error(limited, 429, "rate_limited")
    assert int(limited["Retry-After"]) >= 1
    # Someone else's budget is their own.
    assert api_for(org.lenny).get("/api/me").status_code == 200


def test_session_requests_are_rate_limited_per_person(org: Org, settings: Any) -> None:
    settings.API_RATE_LIMIT = 1
    client = org.client_for(org.alice)
    assert client.get("/api/me").status_code == 200
    assert_error(client.get("/api/me"), 429, "rate_limited")


def test_read_tokens_are_refused_by_every_write_endpoint(org: Org) -> None:
    """Walks the OpenAPI document, so endpoints added by any app later are covered too."""
    schema = Client().get("/api/openapi.json").json()
    api = api_for(org.ada, TokenScope.READ)
    checked = 0
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method, operation in operations.items():
            if method == "get" or not operation.get("security"):
                continue  # reads, and public endpoints that take no token at all
            response = api.client.generic(
                method.upper(), url, "{}", content_type="application/json", headers=api.headers
            )
            assert_error(response, 403, "insufficient_scope")
            checked += 1
    assert checked >= 15
