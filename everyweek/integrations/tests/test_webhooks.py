from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from everyweek.conftest import Org
from everyweek.feedback.models import FollowUpCase, SurveyResponse, Unsubscribe
from everyweek.integrations import services
from everyweek.integrations.models import Integration, WebhookEvent, WebhookStatus
from everyweek.integrations.tests.conftest import (
    FORMBRICKS_SECRET,
    fixture_bytes,
    post_hook,
    signed_headers,
)


@pytest.fixture
def client() -> Client:
    # Vendors never carry our CSRF cookie: the endpoints must work with checks enforced.
    return Client(enforce_csrf_checks=True)


def test_delighted_upserts_on_the_response_id_and_the_comment_arrives_with_the_update(
    org: Org, make_integration: Any, client: Client
) -> None:
    delighted = make_integration("delighted")
    created = fixture_bytes("delighted_survey_response_created.json")
    updated = fixture_bytes("delighted_survey_response_updated.json")

    first = post_hook(client, delighted, created, signed_headers(delighted, created))
    second = post_hook(client, delighted, updated, signed_headers(delighted, updated))

    assert (first.status_code, first.json()["created"]) == (200, 1)
    assert (second.status_code, second.json()["updated"]) == (200, 1)
    response = SurveyResponse.objects.get()
    assert (response.external_id, response.nps, response.comment) == (
        "5435",
        9,
        "Your service is fast and flawless!",
    )
    assert response.customer is not None and response.interaction is not None
    assert (response.agent, response.customer.email) == (org.alice, "charlie_gravis@example.com")
    assert response.interaction.external_id == "ZD-208"
    assert WebhookEvent.objects.filter(status=WebhookStatus.PROCESSED).count() == 2


def test_a_repeated_delivery_is_acknowledged_and_applied_once(
    org: Org, make_integration: Any, client: Client
) -> None:
    delighted = make_integration("delighted")
    body = fixture_bytes("delighted_survey_response_updated.json")
    headers = signed_headers(delighted, body)

    post_hook(client, delighted, body, headers)
    SurveyResponse.objects.update(comment="edited here meanwhile")
    again = post_hook(client, delighted, body, headers)

    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert SurveyResponse.objects.get().comment == "edited here meanwhile"
    assert WebhookEvent.objects.count() == 1


def test_delighted_unsubscribe_is_remembered(
    org: Org, make_integration: Any, client: Client
) -> None:
    delighted = make_integration("delighted")
    body = fixture_bytes("delighted_unsubscribe_created.json")

    assert post_hook(client, delighted, body, signed_headers(delighted, body)).status_code == 200

    assert Unsubscribe.objects.get().email == "the_unsubscriber@example.com"


@pytest.mark.parametrize(
    ("vendor", "fixture"),
    [
        ("delighted", "delighted_survey_response_updated.json"),
        ("typeform", "typeform_form_response.json"),
        ("formbricks", "formbricks_response_finished.json"),
        ("chatwoot", "chatwoot_message_updated.json"),
    ],
)
def test_forged_or_missing_signatures_are_refused_and_nothing_is_stored(
    org: Org, make_integration: Any, client: Client, vendor: str, fixture: str
) -> None:
    secret = FORMBRICKS_SECRET if vendor == "formbricks" else "s3cret"
    integration = make_integration(vendor, secret=secret)
    body = fixture_bytes(fixture)
    forger = Integration(
        vendor=vendor, secret="whsec_" + "Zm9yZ2Vk" if vendor == "formbricks" else "guessed"
    )
    forged = signed_headers(forger, body)
    tampered = body.rstrip() + b" \n"

    responses = [
        post_hook(client, integration, body, {}),
        post_hook(client, integration, body, forged),
        post_hook(client, integration, tampered, signed_headers(integration, body)),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401]
    assert not SurveyResponse.objects.exists()
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("vendor", ["formbricks", "chatwoot"])
def test_stale_or_future_timestamps_are_refused(
    org: Org, make_integration: Any, client: Client, vendor: str
) -> None:
    fixture = (
        "formbricks_response_finished.json"
        if vendor == "formbricks"
        else "chatwoot_message_updated.json"
    )
    integration = make_integration(
        vendor,
        secret=FORMBRICKS_SECRET if vendor == "formbricks" else "s3cret",
        config={"nps_question": "q1"},
    )
    body = fixture_bytes(fixture)

    # Well past the 5-minute tolerance: a request slowed by a loaded machine must not drift
    # back inside it (301 s in the future became acceptable after one slow second).
    old = post_hook(
        client, integration, body, signed_headers(integration, body, now=time.time() - 900)
    )
    future = post_hook(
        client, integration, body, signed_headers(integration, body, now=time.time() + 900)
    )
    fresh = post_hook(client, integration, body, signed_headers(integration, body))

    assert (old.status_code, future.status_code, fresh.status_code) == (401, 401, 200)
    assert SurveyResponse.objects.count() == 1


def test_typeform_takes_agent_and_ticket_from_hidden_fields(
    org: Org, make_integration: Any, client: Client
) -> None:
    typeform = make_integration("typeform")
    body = fixture_bytes("typeform_form_response.json")

    assert post_hook(client, typeform, body, signed_headers(typeform, body)).status_code == 200

    response = SurveyResponse.objects.get()
    assert (response.external_id, response.nps, response.csat, response.language) == (
        "a3a12ec67a1365927098a606107fac15",
        3,
        2,
        "it",
    )
    assert response.comment == "Ho aspettato troppo a lungo."
    assert response.customer is not None and response.interaction is not None
    assert (response.agent, response.interaction.external_id) == (org.alice, "ZD-301")
    assert response.customer.email == "laura@example.com"
    assert FollowUpCase.objects.get(response=response).owner == org.lenny


def test_formbricks_maps_questions_from_the_integration_options(
    org: Org, make_integration: Any, client: Client
) -> None:
    formbricks = make_integration(
        "formbricks",
        secret=FORMBRICKS_SECRET,
        config={"nps_question": "q1", "comment_question": "q2"},
    )
    body = fixture_bytes("formbricks_response_finished.json")

    assert post_hook(client, formbricks, body, signed_headers(formbricks, body)).status_code == 200

    response = SurveyResponse.objects.get()
    assert (response.nps, response.comment, response.language) == (
        10,
        "Schnell und freundlich, danke!",
        "de",
    )
    assert response.customer is not None
    assert (response.agent, response.customer.email) == (org.bruno, "anna@example.com")


def test_chatwoot_csat_is_credited_to_the_conversation_assignee(
    org: Org, make_integration: Any, client: Client
) -> None:
    chatwoot = make_integration("chatwoot")
    body = fixture_bytes("chatwoot_message_updated.json")

    assert post_hook(client, chatwoot, body, signed_headers(chatwoot, body)).status_code == 200

    response = SurveyResponse.objects.get()
    assert (response.csat, response.channel, response.agent) == (1, "chat", org.alice)
    assert response.comment == "The bot kept sending me in circles."


def test_older_chatwoot_without_signatures_needs_the_token_in_the_address(
    org: Org, client: Client
) -> None:
    integration, token = services.create_integration(
        actor=org.ada, vendor="chatwoot", name="Chatwoot 3"
    )
    body = fixture_bytes("chatwoot_message_updated.json")

    assert post_hook(client, integration, body, {}, "?token=wrong").status_code == 401
    assert post_hook(client, integration, body, {}).status_code == 401
    assert post_hook(client, integration, body, {}, f"?token={token}").status_code == 200
    assert (
        post_hook(client, integration, body, {}, f"?token={token}").json()["status"] == "duplicate"
    )
    assert token not in integration.url_token_digest


def test_a_body_too_large_is_refused_before_it_is_read(
    org: Org, make_integration: Any, client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setenv("EVERYWEEK_WEBHOOK_MAX_BYTES", "1000")
    delighted = make_integration("delighted")
    body = json.dumps({"event_type": "survey_response.created", "padding": "x" * 2000}).encode()

    assert post_hook(client, delighted, body, signed_headers(delighted, body)).status_code == 413


def test_deliveries_are_rate_limited_per_integration(
    org: Org, make_integration: Any, client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setenv("EVERYWEEK_WEBHOOK_RATE_LIMIT", "2")
    delighted = make_integration("delighted")
    body = fixture_bytes("delighted_unsubscribe_created.json")
    statuses = [
        post_hook(client, delighted, body, signed_headers(delighted, body)).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_signed_but_unusable_bodies_get_a_clear_error_and_store_no_feedback(
    org: Org, make_integration: Any, client: Client
) -> None:
    delighted = make_integration("delighted")
    payload = json.loads(fixture_bytes("delighted_survey_response_updated.json"))
    payload["event_data"]["score"] = 11
    body = json.dumps(payload).encode()

    response = post_hook(client, delighted, body, signed_headers(delighted, body))

    assert response.status_code == 422
    assert "outside 0-10" in response.json()["error"]
    assert not SurveyResponse.objects.exists()
    assert WebhookEvent.objects.get().status == WebhookStatus.FAILED


def test_unknown_endpoints_and_paused_integrations_answer_404(
    org: Org, make_integration: Any, client: Client
) -> None:
    delighted = make_integration("delighted")
    body = fixture_bytes("delighted_unsubscribe_created.json")
    services.update_integration(actor=org.ada, integration=delighted, is_active=False)
    assert post_hook(client, delighted, body, signed_headers(delighted, body)).status_code == 404
    assert client.post("/hooks/typeform/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_old_payloads_are_erased_but_the_event_still_blocks_replays(
    org: Org, make_integration: Any, client: Client
) -> None:
    import datetime as dt

    from django.utils import timezone

    delighted = make_integration("delighted")
    body = fixture_bytes("delighted_unsubscribe_created.json")
    post_hook(client, delighted, body, signed_headers(delighted, body))

    assert services.purge_webhook_payloads(days=30, now=timezone.now() + dt.timedelta(days=31)) == 1

    assert WebhookEvent.objects.get().payload == ""
    assert (
        post_hook(client, delighted, body, signed_headers(delighted, body)).json()["status"]
        == "duplicate"
    )
