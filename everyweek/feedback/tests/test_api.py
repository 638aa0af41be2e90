"""The feedback API: the same scopes as the pages, writes through the same services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, assert_error
from everyweek.conftest import Org
from everyweek.customers.models import Customer
from everyweek.feedback import invitations
from everyweek.feedback.models import (
    FeedbackSettings,
    FollowUpCase,
    FollowUpStatus,
    Interaction,
    InvitationStatus,
    SurveyInvitation,
    SurveyResponse,
)
from everyweek.feedback.services import ResponseInput, record_response
from everyweek.people.models import Person


def respond(agent: Person, n: int, **fields: Any) -> SurveyResponse:
    response, _created = record_response(
        ResponseInput(
            source="test",
            external_id=f"{agent.pk}-{n}",
            submitted_at=timezone.now(),
            agent=agent,
            **fields,
        )
    )
    return response


def ids(body: dict[str, Any]) -> set[int]:
    return {item["id"] for item in body["items"]}


def test_responses_are_scoped_like_the_pages(org: Org) -> None:
    mine = respond(org.alice, 1, nps=9)
    bruno = respond(org.bruno, 1, nps=3)
    assert ids(api_for(org.alice).get("/api/feedback/responses").json()) == {mine.pk}
    assert ids(api_for(org.lenny).get("/api/feedback/responses").json()) == {mine.pk}
    assert ids(api_for(org.mona).get("/api/feedback/responses").json()) == {mine.pk, bruno.pk}
    assert_error(api_for(org.alice).get(f"/api/feedback/responses/{bruno.pk}"), 404, "not_found")
    detail = api_for(org.mona).get(f"/api/feedback/responses/{bruno.pk}").json()
    assert detail["agent"]["full_name"] == "Bruno Agent"
    assert detail["follow_up_id"] == FollowUpCase.objects.get(response=bruno).pk


def test_response_filters(org: Org) -> None:
    happy = respond(org.alice, 1, nps=10, channel="chat", language="de")
    respond(org.alice, 2, nps=1, channel="email", language="en")
    api = api_for(org.alice)
    assert ids(api.get("/api/feedback/responses", band="promoter").json()) == {happy.pk}
    assert ids(api.get("/api/feedback/responses", channel="chat").json()) == {happy.pk}
    assert ids(api.get("/api/feedback/responses", language="de").json()) == {happy.pk}
    assert api.get("/api/feedback/responses", limit=1).json()["count"] == 2


def test_hidden_comments_stay_hidden_in_the_api(org: Org) -> None:
    FeedbackSettings.objects.update_or_create(
        pk=1, defaults={"agents_see_detractor_comments": False}
    )
    unhappy = respond(org.alice, 1, nps=1, comment="Rude agent")
    body = api_for(org.alice).get(f"/api/feedback/responses/{unhappy.pk}").json()
    assert body["comment"] == "" and body["comment_hidden"] is True
    lead = api_for(org.lenny).get(f"/api/feedback/responses/{unhappy.pk}").json()
    assert lead["comment"] == "Rude agent" and lead["comment_hidden"] is False


def test_summary_gives_nps_csat_and_response_rate(org: Org) -> None:
    respond(org.alice, 1, nps=10, csat=5)
    respond(org.alice, 2, nps=9)
    respond(org.alice, 3, nps=3, csat=1)
    body = api_for(org.alice).get("/api/feedback/summary").json()
    assert body["count"] == 3
    assert body["nps"] == pytest.approx(33.3)
    assert body["csat_average"] == 3.0
    assert body["response_rate"] is None


def test_a_leader_records_an_interaction_and_its_survey_is_planned(
    org: Org, survey: Any, make_customer: Callable[..., Customer]
) -> None:
    customer = make_customer()
    now = timezone.now()
    payload = {
        "source": "freshdesk",
        "external_id": "9001",
        "channel": "chat",
        "customer_id": customer.pk,
        "agent_id": org.alice.pk,
        "status": "solved",
        "created_at": (now - dt.timedelta(hours=2)).isoformat(),
        "resolved_at": (now - dt.timedelta(hours=1)).isoformat(),
    }
    api = api_for(org.lenny, TokenScope.WRITE)
    created = api.post("/api/feedback/interactions", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["agent"]["id"] == org.alice.pk and body["team"]["name"] == "Alpha"
    again = api.post("/api/feedback/interactions", {**payload, "subject": "Updated"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Interaction.objects.count() == 1
    invitation = SurveyInvitation.objects.get(interaction_id=body["id"])
    assert invitation.status == InvitationStatus.SCHEDULED
    # Listed and readable by the agent it credits.
    assert ids(api_for(org.alice).get("/api/feedback/interactions").json()) == {body["id"]}
    assert api_for(org.bruno).get(f"/api/feedback/interactions/{body['id']}").status_code == 404


def test_interaction_writes_need_a_leader_with_write_scope(org: Org) -> None:
    payload = {
        "external_id": "1",
        "created_at": timezone.now().isoformat(),
        "agent_id": org.alice.pk,
    }
    assert_error(
        api_for(org.alice, TokenScope.WRITE).post("/api/feedback/interactions", payload),
        403,
        "permission_denied",
    )
    assert_error(
        api_for(org.lenny, TokenScope.READ).post("/api/feedback/interactions", payload),
        403,
        "insufficient_scope",
    )
    # A lead cannot credit someone outside their team.
    outside = {**payload, "agent_id": org.bruno.pk}
    assert_error(
        api_for(org.lenny, TokenScope.WRITE).post("/api/feedback/interactions", outside),
        422,
        "invalid",
    )


def test_a_leader_submits_an_answer_for_an_interaction(
    org: Org, survey: Any, make_interaction: Callable[..., Interaction]
) -> None:
    interaction = make_interaction()
    api = api_for(org.lenny, TokenScope.WRITE)
    first = api.post(
        f"/api/feedback/interactions/{interaction.pk}/responses", {"nps": 4, "comment": "slow"}
    )
    assert first.status_code == 201, first.content
    second = api.post(f"/api/feedback/interactions/{interaction.pk}/responses", {"nps": 8})
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert SurveyResponse.objects.get().nps == 8
    bad = api.post(
        f"/api/feedback/interactions/{interaction.pk}/responses", {"csat": 6, "csat_scale": 5}
    )
    assert_error(bad, 422, "invalid")
    assert_error(
        api_for(org.alice, TokenScope.WRITE).post(
            f"/api/feedback/interactions/{interaction.pk}/responses", {"nps": 10}
        ),
        403,
        "permission_denied",
    )


def test_the_survey_link_endpoint_returns_a_working_link(
    org: Org,
    survey: Any,
    make_interaction: Callable[..., Interaction],
    make_customer: Callable[..., Customer],
) -> None:
    interaction = make_interaction(make_customer())
    body = (
        api_for(org.lenny, TokenScope.WRITE)
        .post(f"/api/feedback/interactions/{interaction.pk}/survey-link")
        .json()
    )
    invitation = SurveyInvitation.objects.get(pk=body["invitation_id"])
    token = invitations.make_token(invitation)
    assert body["url"].endswith(f"/s/{token}/")
    assert "/s/embed/helpdesk/" in body["embed_url"]


def test_follow_ups_over_the_api(org: Org) -> None:
    case = FollowUpCase.objects.get(response=respond(org.alice, 1, nps=0))
    bruno_case = FollowUpCase.objects.get(response=respond(org.bruno, 1, nps=0))
    lenny = api_for(org.lenny, TokenScope.WRITE)
    assert ids(lenny.get("/api/feedback/follow-ups").json()) == {case.pk}
    assert_error(lenny.get(f"/api/feedback/follow-ups/{bruno_case.pk}"), 404, "not_found")
    assert_error(api_for(org.alice).get("/api/feedback/follow-ups"), 403, "permission_denied")
    note = lenny.post(f"/api/feedback/follow-ups/{case.pk}/notes", {"text": "Called back"})
    assert note.status_code == 201 and note.json()["author"]["id"] == org.lenny.pk
    patched = lenny.patch(
        f"/api/feedback/follow-ups/{case.pk}", {"status": "resolved", "outcome": "Refund"}
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert body["status"] == FollowUpStatus.RESOLVED and body["closed_at"]
    assert [n["text"] for n in body["notes"]] == ["Called back"]
    assert_error(
        lenny.patch(f"/api/feedback/follow-ups/{case.pk}", {"owner_id": org.bruno.pk}),
        422,
        "invalid",
    )
    reader = api_for(org.lenny, TokenScope.READ)
    assert_error(
        reader.post(f"/api/feedback/follow-ups/{case.pk}/notes", {"text": "x"}),
        403,
        "insufficient_scope",
    )


def test_surveys_are_listed_with_their_wording(org: Org, survey: Any) -> None:
    body = api_for(org.alice).get("/api/feedback/surveys").json()
    assert body["count"] == 1
    languages = {t["language"] for t in body["items"][0]["texts"]}
    assert languages == {"en", "it", "de", "th", "es", "fr"}


def test_the_openapi_document_lists_the_feedback_endpoints(org: Org) -> None:
    paths = api_for(org.alice).get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/feedback/responses",
        "/api/feedback/interactions",
        "/api/feedback/follow-ups",
        "/api/feedback/surveys",
    ):
        assert path in paths
