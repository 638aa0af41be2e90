"""Anonymous pre-meeting questions: nothing anywhere links a question to the person who asked."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, fresh_cache
from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.listening import services
from everyweek.listening.models import AnonymousQuestion
from everyweek.listening.tests.helpers import session_for
from everyweek.notifications.models import OutboundEmail

__all__ = ["fresh_cache"]

QUESTION = "Why does the refund tool still need three approvals?"


def _author_traces(org: Org) -> list[str]:
    return [str(org.alice.pk), org.alice.email, org.alice.full_name, "Alice"]


def test_the_question_model_has_no_link_to_any_person() -> None:
    related = [
        f.name
        for f in AnonymousQuestion._meta.get_fields()
        if f.is_relation and f.related_model is not None
    ]
    assert related == ["session"]
    # Only the day is kept, not the minute, so it cannot be matched against a visit.
    assert AnonymousQuestion._meta.get_field("asked_on").get_internal_type() == "DateField"


def test_asking_from_the_page_leaves_no_trace_of_the_author(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice, org.bruno])
    client = org.client_for(org.alice)  # signing in is audited; asking must not be
    mail.outbox.clear()
    before = AuditEvent.objects.count()
    emails_before = OutboundEmail.objects.count()

    response = client.post(f"/listening/sessions/{session.pk}/questions/", {"text": QUESTION})

    assert response.status_code == 302
    question = AnonymousQuestion.objects.get()
    assert question.text == QUESTION
    # No audit event at all: even one without an actor would be timed to the second and
    # numbered right after Alice's sign-in, which is as good as her name.
    assert AuditEvent.objects.count() == before
    assert OutboundEmail.objects.count() == emails_before  # nobody is told who asked


def test_asking_through_the_api_leaves_nothing_to_match_against_the_token(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice, org.bruno])
    api = api_for(org.alice, TokenScope.WRITE)
    before = AuditEvent.objects.count()
    created = api.post(f"/api/listening/sessions/{session.pk}/questions", {"text": QUESTION})
    assert created.status_code == 201
    # The token's "last used" is to the second; nothing about the question is.
    assert AuditEvent.objects.count() == before
    assert created.json()["asked_on"] == str(timezone.localdate())
    trail_response = api_for(org.ada, TokenScope.ADMIN).get("/api/audit-events")
    assert trail_response.status_code == 200
    trail = trail_response.content.decode()
    assert "listening.question" not in trail and QUESTION[:30] not in trail
    page = org.client_for(org.ada).get("/audit/")
    assert page.status_code == 200 and "listening.question" not in page.content.decode()


def test_the_questions_are_counted_when_the_session_is_recorded(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice, org.bruno])
    services.ask_question(actor=org.alice, session=session, text=QUESTION)
    services.ask_question(actor=org.bruno, session=session, text="And the roster?")
    services.record_session(
        actor=org.erin, session=session, notes="", attended=[org.alice.pk, org.bruno.pk]
    )
    event = AuditEvent.objects.get(action="listening.session.record")
    assert event.actor_id == org.erin.pk and event.changes["questions"] == 2


def test_the_leaders_page_shows_the_question_without_the_author(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice, org.bruno])
    services.ask_question(actor=org.alice, session=session, text=QUESTION)
    page = org.client_for(org.erin).get(f"/listening/sessions/{session.pk}/").content.decode()
    start = page.index('data-testid="question"')
    block = page[start : page.index("</article>", start)]
    assert QUESTION in block
    assert not any(trace in block for trace in ("Alice", org.alice.email))


def test_the_api_returns_questions_without_an_author(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice, org.bruno])
    created = api_for(org.alice, TokenScope.WRITE).post(
        f"/api/listening/sessions/{session.pk}/questions", {"text": QUESTION}
    )
    assert created.status_code == 201, created.content
    assert set(created.json()) == {"id", "text", "asked_on", "answer"}
    listed = api_for(org.erin).get(f"/api/listening/sessions/{session.pk}/questions")
    assert listed.status_code == 200
    [item] = listed.json()
    assert set(item) == {"id", "text", "asked_on", "answer"}
    assert "alice" not in listed.content.decode().lower()


def test_the_admin_shows_no_author(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice, org.bruno])
    question = services.ask_question(actor=org.alice, session=session, text=QUESTION)
    client = org.client_for(org.ada)
    change = client.get(f"/admin/listening/anonymousquestion/{question.pk}/change/")
    assert change.status_code == 200
    listing = client.get("/admin/listening/anonymousquestion/")
    for page in (change, listing):
        html = page.content.decode()
        assert QUESTION[:40] in html
        assert org.alice.email not in html and "Alice Agent" not in html


def test_only_invitees_may_ask_and_only_while_the_box_is_open(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice], questions_open=False)
    with pytest.raises(services.ListeningError):
        services.ask_question(actor=org.alice, session=session, text=QUESTION)
    open_session = session_for(org, org.erin, [org.alice])
    with pytest.raises(services.ListeningError):
        services.ask_question(actor=org.bruno, session=open_session, text=QUESTION)
    assert not AnonymousQuestion.objects.exists()


def test_the_leader_answers_in_the_open(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice])
    question = services.ask_question(actor=org.alice, session=session, text=QUESTION)
    response = org.client_for(org.erin).post(
        f"/listening/questions/{question.pk}/answer/", {"answer": "We are cutting it to one."}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "We are cutting it to one."
    assert (
        org.client_for(org.alice)
        .post(f"/listening/questions/{question.pk}/answer/", {"answer": "x"})
        .status_code
        == 404
    )
