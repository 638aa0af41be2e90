"""Listening over the JSON API, and each leader's cadence shown to their own leader."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, assert_error, fresh_cache
from everyweek.conftest import Org
from everyweek.listening import services
from everyweek.listening.tasks import remind_due_leaders
from everyweek.listening.tests.helpers import session_for

__all__ = ["fresh_cache"]


def test_a_leader_schedules_through_the_api(org: Org) -> None:
    response = api_for(org.erin, TokenScope.WRITE).post(
        "/api/listening/sessions",
        {
            "starts_at": (timezone.now() + dt.timedelta(days=3)).isoformat(),
            "participant_ids": [org.alice.pk],
            "location": "Room 2",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["participants"][0]["person"]["id"] == org.alice.pk
    assert body["notes"] == ""


def test_agents_cannot_schedule_and_invitees_do_not_read_notes(org: Org) -> None:
    assert_error(
        api_for(org.alice, TokenScope.WRITE).post(
            "/api/listening/sessions",
            {"starts_at": timezone.now().isoformat(), "participant_ids": [org.bruno.pk]},
        ),
        403,
        "permission_denied",
    )
    session = session_for(org, org.erin, [org.alice])
    services.record_session(actor=org.erin, session=session, notes="Private", attended=[])
    as_alice = api_for(org.alice).get(f"/api/listening/sessions/{session.pk}")
    assert as_alice.status_code == 200
    assert as_alice.json()["notes"] is None
    assert (
        api_for(org.erin).get(f"/api/listening/sessions/{session.pk}").json()["notes"] == "Private"
    )
    assert_error(api_for(org.sam).get(f"/api/listening/sessions/{session.pk}"), 404, "not_found")
    assert (
        "Private"
        not in org.client_for(org.alice).get(f"/listening/sessions/{session.pk}/").content.decode()
    )


def test_ics_over_the_api(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice])
    response = api_for(org.alice).get(f"/api/listening/sessions/{session.pk}/ics")
    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")


def test_a_managers_cadence_is_shown_to_their_own_leader(org: Org) -> None:
    services.set_cadence(actor=org.mona, leader=org.mona, every_weeks=4, group_size=3)
    session = session_for(org, org.mona, [org.alice], starts_in=dt.timedelta(days=-3))
    services.record_session(actor=org.mona, session=session, notes="", attended=[org.alice.pk])
    page = org.client_for(org.erin).get("/listening/leaders/")
    assert page.status_code == 200
    assert "Mona Manager" in page.content.decode()
    rows = api_for(org.erin).get("/api/listening/leaders").json()
    assert [r["leader"]["id"] for r in rows] == [org.mona.pk]
    assert rows[0]["held"] == 1
    # Not to people she does not report to, and not to agents.
    assert (
        "Mona Manager" not in org.client_for(org.lenny).get("/listening/leaders/").content.decode()
    )
    assert org.client_for(org.alice).get("/listening/leaders/").status_code == 403


def test_a_lapsed_cadence_reminds_the_leader_once_a_week(
    org: Org, django_capture_on_commit_callbacks: object
) -> None:
    services.set_cadence(actor=org.erin, leader=org.erin, every_weeks=4, group_size=3)
    today = timezone.localdate()
    assert remind_due_leaders(today) == 1
    assert remind_due_leaders(today) == 0
    assert remind_due_leaders(today + dt.timedelta(days=7)) == 1
    session_for(org, org.erin, [org.alice])
    assert remind_due_leaders(today + dt.timedelta(days=14)) == 0


def test_proposal_over_the_api(org: Org) -> None:
    response = api_for(org.erin).get("/api/listening/proposal")
    assert response.status_code == 200
    assert {p["id"] for p in response.json()} == {org.alice.pk, org.bruno.pk}
    assert_error(api_for(org.alice).get("/api/listening/proposal"), 403, "permission_denied")


def test_the_openapi_document_lists_listening_desk_and_career_endpoints(org: Org) -> None:
    response = org.client_for(org.ada).get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/listening/sessions",
        "/api/listening/sessions/{session_id}/questions",
        "/api/service-desk/requests",
        "/api/service-desk/figures",
        "/api/careers/pay-bands",
    ):
        assert path in paths
