"""Personal tokens over the API and on the tokens page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from everyweek.api.models import ApiToken, TokenScope
from everyweek.api.services import create_token
from everyweek.api.tests.helpers import Api, api_for, assert_error, token_for
from everyweek.conftest import Org
from everyweek.core.models import AuditEvent

# --- API ---------------------------------------------------------------------------------


def test_creating_a_token_returns_the_secret_once(org: Org) -> None:
    api = api_for(org.alice, TokenScope.WRITE)
    response = api.post("/api/tokens", {"name": "Helpdesk sync", "scope": "read"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith(created["prefix"])
    assert created["owner"]["id"] == org.alice.pk
    assert created["scope"] == "read"
    assert Api(created["secret"]).get("/api/me").json()["token"]["id"] == created["id"]

    listed = api.get("/api/tokens").json()
    assert listed["count"] == 2
    assert all("secret" not in item for item in listed["items"])


def test_list_shows_only_your_own_tokens(org: Org) -> None:
    token_for(org.lenny)
    body = api_for(org.alice).get("/api/tokens").json()
    assert {item["owner"]["id"] for item in body["items"]} == {org.alice.pk}


def test_a_non_admin_cannot_list_someone_elses_tokens(org: Org) -> None:
    token_for(org.lenny)
    assert_error(
        api_for(org.alice).get("/api/tokens", owner_id=org.lenny.pk), 403, "permission_denied"
    )


def test_an_admin_lists_and_creates_tokens_for_others(org: Org) -> None:
    token_for(org.lenny)
    api = api_for(org.ada, TokenScope.ADMIN)
    assert api.get("/api/tokens", owner_id=org.lenny.pk).json()["count"] == 1
    response = api.post(
        "/api/tokens", {"name": "for lenny", "scope": "write", "owner_id": org.lenny.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["owner"]["id"] == org.lenny.pk
    event = AuditEvent.objects.get(action="api_token.create", target_id=str(response.json()["id"]))
    assert event.actor_id == org.ada.pk


def test_a_non_admin_cannot_create_tokens_for_others(org: Org) -> None:
    api = api_for(org.lenny, TokenScope.WRITE)
    response = api.post("/api/tokens", {"name": "x", "scope": "read", "owner_id": org.alice.pk})
    assert_error(response, 403, "permission_denied")


@pytest.mark.parametrize("persona", ["alice", "lenny", "erin"])
def test_only_admins_hold_admin_tokens(org: Org, persona: str) -> None:
    client = org.client_for(getattr(org, persona))
    response = client.post(
        "/api/tokens", {"name": "x", "scope": "admin"}, content_type="application/json"
    )
    assert_error(response, 403, "permission_denied")
    assert not ApiToken.objects.filter(scope=TokenScope.ADMIN).exists()


def test_a_token_cannot_mint_a_stronger_token(org: Org) -> None:
    api = api_for(org.ada, TokenScope.WRITE)
    response = api.post("/api/tokens", {"name": "x", "scope": "admin"})
    assert_error(response, 403, "insufficient_scope")


def test_an_admin_session_can_create_an_admin_token(org: Org) -> None:
    response = org.client_for(org.ada).post(
        "/api/tokens", {"name": "ops", "scope": "admin"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Api(response.json()["secret"]).get("/api/audit-events").status_code == 200


def test_expiry_must_be_in_the_future(org: Org) -> None:
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = org.client_for(org.alice).post(
        "/api/tokens",
        {"name": "x", "scope": "read", "expires_at": past},
        content_type="application/json",
    )
    error = assert_error(response, 422, "invalid")
    assert error["details"][0]["loc"] == ["body", "expires_at"]


def test_revoking_your_token_stops_it(org: Org) -> None:
    secret = token_for(org.alice, TokenScope.WRITE)
    api = Api(secret)
    token = ApiToken.objects.get(owner=org.alice)
    assert api.delete(f"/api/tokens/{token.pk}").status_code == 204
    assert_error(api.get("/api/me"), 401, "not_authenticated")
    assert AuditEvent.objects.filter(action="api_token.revoke", target_id=str(token.pk)).exists()


def test_someone_elses_token_cannot_be_revoked_or_even_seen(org: Org) -> None:
    token, _secret = create_token(actor=org.lenny, owner=org.lenny, name="lenny's")
    response = api_for(org.alice, TokenScope.WRITE).delete(f"/api/tokens/{token.pk}")
    assert_error(response, 404, "not_found")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_admin_revokes_anyones_token(org: Org) -> None:
    token, _secret = create_token(actor=org.lenny, owner=org.lenny, name="lenny's")
    response = api_for(org.ada, TokenScope.ADMIN).delete(f"/api/tokens/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- Page ----------------------------------------------------------------------------------


def test_tokens_page_creates_a_token_and_shows_the_secret_once(org: Org) -> None:
    client = org.client_for(org.alice)
    response = client.post(
        "/account/tokens/", {"action": "create", "name": "My laptop", "scope": "write"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    secret = re.search(r'value="(ew_[^"]+)"', html)
    assert secret, html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    token = ApiToken.objects.get(owner=org.alice)
    assert token.scope == TokenScope.WRITE
    assert Api(secret.group(1)).get("/api/me").status_code == 200

    again = client.get("/account/tokens/").content.decode()
    assert secret.group(1) not in again
    assert token.prefix in again
    assert "My laptop" in again


def test_tokens_page_offers_admin_scope_to_admins_only(org: Org) -> None:
    alice_page = org.client_for(org.alice).get("/account/tokens/").content.decode()
    ada_page = org.client_for(org.ada).get("/account/tokens/").content.decode()
    assert 'value="admin"' not in alice_page
    assert 'value="admin"' in ada_page
    forged = org.client_for(org.alice).post(
        "/account/tokens/", {"action": "create", "name": "x", "scope": "admin"}
    )
    assert forged.status_code == 200
    assert not ApiToken.objects.exists()


def test_tokens_page_sets_expiry_at_the_end_of_the_chosen_day(org: Org) -> None:
    day = timezone.localdate() + dt.timedelta(days=30)
    org.client_for(org.bruno).post(
        "/account/tokens/",
        {"action": "create", "name": "x", "scope": "read", "expires_on": day.isoformat()},
    )
    token = ApiToken.objects.get(owner=org.bruno)
    assert token.expires_at is not None
    local = timezone.localtime(token.expires_at, timezone=dt.timezone(dt.timedelta(hours=1)))
    # Bruno is in Rome: the token lasts through that day there.
    assert token.expires_at > timezone.now() + dt.timedelta(days=30)
    assert local.date() in {day, day + dt.timedelta(days=1)}


def test_tokens_page_refuses_a_past_expiry(org: Org) -> None:
    day = timezone.localdate() - dt.timedelta(days=1)
    response = org.client_for(org.alice).post(
        "/account/tokens/",
        {"action": "create", "name": "x", "scope": "read", "expires_on": day.isoformat()},
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_tokens_page_revokes_with_a_post(org: Org) -> None:
    token, _secret = create_token(actor=org.alice, owner=org.alice, name="old")
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.alice)
    page = client.get("/account/tokens/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf
    refused = client.post("/account/tokens/", {"action": "revoke", "token": token.pk})
    assert refused.status_code == 403  # no CSRF token
    response = client.post(
        "/account/tokens/",
        {"action": "revoke", "token": token.pk, "csrfmiddlewaretoken": csrf.group(1)},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_page_cannot_revoke_someone_elses_token(org: Org) -> None:
    token, _secret = create_token(actor=org.lenny, owner=org.lenny, name="lenny's")
    response = org.client_for(org.alice).post(
        "/account/tokens/", {"action": "revoke", "token": token.pk}
    )
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_needs_sign_in(db: object) -> None:
    response = Client().get("/account/tokens/")
    assert response.status_code == 302
