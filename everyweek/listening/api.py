"""Skip-level listening over the JSON API, through the same selectors and services as the pages.

An anonymous question is returned as its text, day and answer: there is no author to return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import caller, require_leader, require_scope
from everyweek.api.models import TokenScope
from everyweek.api.pagination import paginated
from everyweek.api.schemas import PersonRef
from everyweek.listening import selectors, services
from everyweek.listening.ics import session_ics
from everyweek.listening.models import (
    ActionItem,
    ActionStatus,
    AnonymousQuestion,
    ListeningSession,
    SessionStatus,
)
from everyweek.listening.views import get_action_for_user, get_session_for_user
from everyweek.people.models import Person

router = Router(tags=["listening"])


@contextmanager
def _rules() -> Iterator[None]:
    try:
        yield
    except services.ListeningError as exc:
        raise errors.conflict(str(exc)) from exc


# --- Schemas ----------------------------------------------------------------------------


class CadenceOut(Schema):
    every_weeks: int
    group_size: int
    min_levels_below: int


class CadenceIn(Schema):
    every_weeks: int = Field(4, ge=1, le=52)
    group_size: int = Field(6, ge=1, le=30)
    min_levels_below: int = Field(2, ge=2, le=10)


class ProposedPersonOut(Schema):
    id: int
    full_name: str
    team: str | None
    last_met: dt.datetime | None


class ParticipantOut(Schema):
    person: PersonRef
    attended: bool | None


class SessionOut(Schema):
    id: int
    leader: PersonRef
    starts_at: dt.datetime
    duration_minutes: int
    location: str
    agenda: str
    status: SessionStatus
    questions_open: bool
    held_at: dt.datetime | None
    participants: list[ParticipantOut]
    notes: str | None = Field(None, description="Only for the leader and the leaders above them.")


class SessionIn(Schema):
    starts_at: dt.datetime
    participant_ids: list[int] = Field(min_length=1)
    duration_minutes: int = Field(45, ge=10, le=240)
    location: str = Field("", max_length=200)
    agenda: str = ""
    questions_open: bool = True


class RecordIn(Schema):
    notes: str = ""
    attended_ids: list[int] = []


class QuestionOut(Schema):
    id: int
    text: str
    asked_on: dt.date
    answer: str


class QuestionIn(Schema):
    text: str = Field(min_length=1, max_length=2000)


class AnswerIn(Schema):
    answer: str = Field(min_length=1)


class ActionOut(Schema):
    id: int
    session_id: int
    title: str
    description: str
    owner: PersonRef
    due_on: dt.date
    status: ActionStatus
    resolution: str
    closed_at: dt.datetime | None
    raised_by: list[PersonRef]


class ActionIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner_id: int
    due_on: dt.date
    raised_by_ids: list[int] = []


class ActionPatch(Schema):
    status: ActionStatus
    resolution: str = ""
    due_on: dt.date | None = None


class LeaderListeningOut(Schema):
    leader: PersonRef
    every_weeks: int
    planned: int
    held: int
    cadence_percent: int | None
    last_held: dt.datetime | None
    actions: int
    actions_closed: int
    actions_overdue: int
    closure_percent: int | None


# --- Helpers ----------------------------------------------------------------------------


def _session_out(user: Person, session: ListeningSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "leader": session.leader,
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "location": session.location,
        "agenda": session.agenda,
        "status": session.status,
        "questions_open": session.questions_open,
        "held_at": session.held_at,
        "participants": [
            {"person": p.person, "attended": p.attended}
            for p in session.participants.select_related("person")
        ],
        "notes": session.notes if selectors.can_read_notes(user, session) else None,
    }


def _people(ids: list[int], field: str) -> list[Person]:
    found = list(Person.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise errors.unknown_reference(field)
    return found


def _managed(request: HttpRequest, session_id: int) -> tuple[Person, ListeningSession]:
    actor = require_scope(request, TokenScope.WRITE)
    session = get_session_for_user(actor, session_id)
    if not selectors.can_manage_session(actor, session):
        raise errors.not_found()
    return actor, session


# --- Cadence and proposal -----------------------------------------------------------------


@router.get("/cadence", response=CadenceOut, summary="Your listening cadence (leaders)")
def get_cadence(request: HttpRequest) -> Any:
    return selectors.cadence_for(require_leader(request))


@router.put("/cadence", response=CadenceOut, summary="Set your listening cadence (leaders)")
def put_cadence(request: HttpRequest, payload: CadenceIn) -> Any:
    leader = require_leader(request, TokenScope.WRITE)
    with _rules():
        return services.set_cadence(actor=leader, leader=leader, **payload.model_dump())


@router.get("/proposal", response=list[ProposedPersonOut], summary="Whom to meet next (leaders)")
def get_proposal(request: HttpRequest, limit: int | None = None) -> list[dict[str, Any]]:
    """Frontline people two or more levels below you, never met or met longest ago first."""
    leader = require_leader(request)
    return [
        {
            "id": p.pk,
            "full_name": p.full_name,
            "team": p.team.name if p.team else None,
            "last_met": getattr(p, "last_met", None),
        }
        for p in selectors.proposal(leader, limit=limit)
    ]


@router.get("/leaders", response=list[LeaderListeningOut], summary="Cadence kept by leaders")
def get_leaders(request: HttpRequest, weeks: int = 26) -> list[dict[str, Any]]:
    """The leaders below you (everyone's, for executives and administrators)."""
    viewer = require_leader(request)
    leaders = list(selectors.leaders_below(viewer)[:500])
    return [
        {
            **{k: getattr(row, k) for k in LeaderListeningOut.model_fields if k != "leader"},
            "leader": row.leader,
        }
        for row in selectors.leader_listening(leaders, weeks=max(1, min(weeks, 104)))
    ]


# --- Sessions ------------------------------------------------------------------------------


@router.get("/sessions", response=list[SessionOut], summary="Listening sessions you may see")
@paginated
def list_sessions(
    request: HttpRequest, status: SessionStatus | None = None
) -> list[dict[str, Any]]:
    user = caller(request)
    sessions: QuerySet[ListeningSession] = selectors.visible_sessions(user).select_related("leader")
    if status is not None:
        sessions = sessions.filter(status=status)
    return _LazySessions(user, sessions.order_by("-starts_at", "-pk"))  # type: ignore[return-value]


class _LazySessions:
    """Lets the paginator slice the queryset before each session is turned into a dict."""

    def __init__(self, user: Person, sessions: QuerySet[ListeningSession]) -> None:
        self.user, self.sessions = user, sessions

    def count(self) -> int:
        return self.sessions.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_session_out(self.user, s) for s in self.sessions[item]]


@router.post("/sessions", response={201: SessionOut}, summary="Schedule a session (leaders)")
def create_session(request: HttpRequest, payload: SessionIn) -> Status[dict[str, Any]]:
    """Invitations with a calendar file go to everyone invited."""
    leader = require_leader(request, TokenScope.WRITE)
    people = _people(payload.participant_ids, "participant_ids")
    with _rules():
        session = services.schedule_session(
            actor=leader,
            leader=leader,
            starts_at=payload.starts_at,
            participants=people,
            duration_minutes=payload.duration_minutes,
            location=payload.location,
            agenda=payload.agenda,
            questions_open=payload.questions_open,
        )
    return Status(201, _session_out(leader, session))


@router.get("/sessions/{int:session_id}", response=SessionOut, summary="One session")
def get_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user = caller(request)
    return _session_out(user, get_session_for_user(user, session_id))


@router.get("/sessions/{int:session_id}/ics", summary="The session as an iCalendar file")
def get_session_ics(request: HttpRequest, session_id: int) -> HttpResponse:
    user = caller(request)
    session = get_session_for_user(user, session_id)
    return HttpResponse(
        session_ics(session, language=user.locale, method="PUBLISH"),
        content_type="text/calendar; charset=utf-8",
    )


@router.post("/sessions/{int:session_id}/cancel", response=SessionOut, summary="Cancel")
def cancel_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    actor, session = _managed(request, session_id)
    with _rules():
        services.cancel_session(actor=actor, session=session)
    return _session_out(actor, session)


@router.post(
    "/sessions/{int:session_id}/record", response=SessionOut, summary="Mark held, with notes"
)
def record_session(request: HttpRequest, session_id: int, payload: RecordIn) -> dict[str, Any]:
    actor, session = _managed(request, session_id)
    with _rules():
        services.record_session(
            actor=actor, session=session, notes=payload.notes, attended=payload.attended_ids
        )
    return _session_out(actor, session)


# --- Anonymous questions -------------------------------------------------------------------


@router.get(
    "/sessions/{int:session_id}/questions",
    response=list[QuestionOut],
    summary="The session's anonymous questions",
)
def list_questions(request: HttpRequest, session_id: int) -> QuerySet[AnonymousQuestion]:
    session = get_session_for_user(caller(request), session_id)
    return session.questions.all()


@router.post(
    "/sessions/{int:session_id}/questions",
    response={201: QuestionOut},
    summary="Ask anonymously (invitees)",
)
def ask_question(
    request: HttpRequest, session_id: int, payload: QuestionIn
) -> Status[AnonymousQuestion]:
    """Your name is not stored with the question, nor in the audit trail."""
    actor = require_scope(request, TokenScope.WRITE)
    session = get_session_for_user(actor, session_id)
    with _rules():
        return Status(201, services.ask_question(actor=actor, session=session, text=payload.text))


@router.post(
    "/questions/{int:question_id}/answer", response=QuestionOut, summary="Answer (the leader)"
)
def answer_question(request: HttpRequest, question_id: int, payload: AnswerIn) -> AnonymousQuestion:
    actor = require_scope(request, TokenScope.WRITE)
    question = (
        AnonymousQuestion.objects.filter(
            pk=question_id, session__in=selectors.visible_sessions(actor)
        )
        .select_related("session__leader")
        .first()
    )
    if question is None or not selectors.can_manage_session(actor, question.session):
        raise errors.not_found()
    return services.answer_question(actor=actor, question=question, answer=payload.answer)


# --- Action items ------------------------------------------------------------------------------


def _action_out(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "session_id": item.session_id,
        "title": item.title,
        "description": item.description,
        "owner": item.owner,
        "due_on": item.due_on,
        "status": item.status,
        "resolution": item.resolution,
        "closed_at": item.closed_at,
        "raised_by": list(item.raised_by.all()),
    }


@router.get("/actions", response=list[ActionOut], summary="Action items you may see")
@paginated
def list_actions(request: HttpRequest, status: ActionStatus | None = None) -> QuerySet[ActionItem]:
    """Yours (owned or raised) and, for leaders, those of sessions they may see."""
    items = (
        selectors.visible_actions(caller(request))
        .select_related("owner")
        .prefetch_related("raised_by")
    )
    if status is not None:
        items = items.filter(status=status)
    return items.order_by("due_on", "pk")


@router.post(
    "/sessions/{int:session_id}/actions", response={201: ActionOut}, summary="Add an action item"
)
def create_action(
    request: HttpRequest, session_id: int, payload: ActionIn
) -> Status[dict[str, Any]]:
    actor, session = _managed(request, session_id)
    owner = _people([payload.owner_id], "owner_id")[0]
    raisers = _people(payload.raised_by_ids, "raised_by_ids")
    with _rules():
        item = services.add_action_item(
            actor=actor,
            session=session,
            title=payload.title,
            description=payload.description,
            owner=owner,
            due_on=payload.due_on,
            raised_by=raisers,
        )
    return Status(201, _action_out(item))


@router.get("/actions/{int:action_id}", response=ActionOut, summary="One action item")
def get_action(request: HttpRequest, action_id: int) -> dict[str, Any]:
    return _action_out(get_action_for_user(caller(request), action_id))


@router.patch("/actions/{int:action_id}", response=ActionOut, summary="Update an action item")
def update_action(request: HttpRequest, action_id: int, payload: ActionPatch) -> dict[str, Any]:
    """The owner or the session's leader; closing it emails the people who raised it."""
    actor = require_scope(request, TokenScope.WRITE)
    item = get_action_for_user(actor, action_id)
    if not services.can_update_action(actor, item):
        raise errors.permission_denied()
    with _rules():
        services.update_action_item(
            actor=actor,
            item=item,
            status=payload.status,
            resolution=payload.resolution,
            due_on=payload.due_on,
        )
    return _action_out(item)
