"""Scheduling sessions: invitations with a calendar file, the .ics download, changes and cancellations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from everyweek.conftest import Org
from everyweek.listening import services
from everyweek.listening.ics import fold
from everyweek.listening.models import SessionStatus
from everyweek.listening.tests.helpers import session_for
from everyweek.notifications.models import OutboundEmail


def _event(ics: str | bytes) -> Any:
    calendar = icalendar.Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return event


def test_scheduling_emails_everyone_an_invitation_with_a_calendar_file(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        session = services.schedule_session(
            actor=org.erin,
            leader=org.erin,
            starts_at=starts,
            participants=[org.alice, org.bruno],
            location="Room 4, Milan",
            agenda="What slows you down; what should we stop doing?",
        )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@example.com",
        "bruno@example.com",
        "erin@example.com",
    ]
    to_bruno = next(m for m in mail.outbox if m.to == ["bruno@example.com"])
    [(filename, content, mimetype)] = to_bruno.attachments
    assert (filename, mimetype) == ("listening-session.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = _event(content)
    assert str(event["UID"]) == f"{session.uid}@everyweek"
    assert event.decoded("DTSTART") == starts
    assert event.decoded("DTEND") == starts + dt.timedelta(minutes=45)
    assert str(event["LOCATION"]) == "Room 4, Milan"
    # Bruno reads Italian: the summary and the email are in his language.
    assert str(event["SUMMARY"]) == "Sessione di ascolto con Erin Executive"
    assert to_bruno.subject.startswith("Invito")
    attendees = sorted(str(a) for a in event.get("ATTENDEE"))
    assert attendees == ["mailto:alice@example.com", "mailto:bruno@example.com"]
    assert str(event["ORGANIZER"]) == "mailto:erin@example.com"
    # Stored in the outbox too, so a retry sends the same file.
    stored = OutboundEmail.objects.get(to_email="bruno@example.com")
    assert stored.attachments[0]["filename"] == "listening-session.ics"


def test_only_people_two_or_more_levels_below_can_be_invited(org: Org) -> None:
    with pytest.raises(services.ListeningError):
        session_for(org, org.erin, [org.sam])  # reports to erin directly
    with pytest.raises(services.ListeningError):
        session_for(org, org.mona, [org.bruno])


def test_ics_download_parses_back_and_is_only_for_those_who_may_see_the_session(
    org: Org,
) -> None:
    session = session_for(org, org.erin, [org.alice], agenda="Café, naïve; ok, \\ fine\nnext")
    response = org.client_for(org.alice).get(f"/listening/sessions/{session.pk}/invite.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = _event(response.content)
    assert str(event["DESCRIPTION"]).startswith("Café, naïve; ok, \\ fine\nnext")
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert b"\r\n" in response.content
    assert (
        org.client_for(org.sam).get(f"/listening/sessions/{session.pk}/invite.ics").status_code
        == 404
    )


def test_long_thai_lines_are_folded_within_75_octets_and_unfold_exactly(org: Org) -> None:
    agenda = "เราอยากฟังว่าอะไรทำให้การบริการลูกค้าของคุณช้าลง " * 6
    session = session_for(org, org.erin, [org.alice], agenda=agenda)
    response = org.client_for(org.erin).get(f"/listening/sessions/{session.pk}/invite.ics")
    for line in response.content.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never cut inside a character
    assert str(_event(response.content)["DESCRIPTION"]).startswith(agenda)
    assert fold("x" * 200).count("\r\n ") == 2


def test_rescheduling_raises_the_sequence_so_calendars_update_the_event(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    session = session_for(org, org.erin, [org.alice])
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_session(
            actor=org.erin,
            session=session,
            starts_at=session.starts_at + dt.timedelta(hours=2),
            duration_minutes=30,
            location="Teams",
            agenda="",
            questions_open=True,
        )
    assert len(mail.outbox) == 2
    event = _event(mail.outbox[0].attachments[0][1])
    assert int(str(event["SEQUENCE"])) == 1
    assert str(event["UID"]) == f"{session.uid}@everyweek"


def test_cancelling_sends_a_cancellation_calendars_understand(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    session = session_for(org, org.erin, [org.alice])
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(actor=org.erin, session=session)
    calendar = icalendar.Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(_event(mail.outbox[0].attachments[0][1])["STATUS"]) == "CANCELLED"
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_only_the_leader_changes_a_session(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice])
    with pytest.raises(services.ListeningError):
        services.cancel_session(actor=org.mona, session=session)
    assert (
        org.client_for(org.alice).post(f"/listening/sessions/{session.pk}/cancel/").status_code
        == 404
    )


def test_leader_schedules_from_the_page_with_the_proposal_preselected(org: Org) -> None:
    client = org.client_for(org.erin)
    page = client.get("/listening/sessions/new/")
    assert page.status_code == 200
    assert f'value="{org.alice.pk}"' in page.content.decode()
    response = client.post(
        "/listening/sessions/new/",
        {
            "starts_at": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "location": "Room 1",
            "agenda": "",
            "questions_open": "on",
            "participants": [org.alice.pk, org.bruno.pk],
        },
    )
    assert response.status_code == 302
    assert org.alice.listening_participations.count() == 1


def test_agents_cannot_schedule(org: Org) -> None:
    assert org.client_for(org.alice).get("/listening/sessions/new/").status_code == 403


def test_home_page_works_for_every_role(org: Org) -> None:
    session_for(org, org.erin, [org.alice])
    for person in (org.alice, org.lenny, org.mona, org.erin, org.ada):
        response = org.client_for(person).get("/listening/")
        assert response.status_code == 200
    assert "Erin Executive" in org.client_for(org.alice).get("/listening/").content.decode()
