"""Every write of skip-level listening. Each function is atomic and leaves an audit event.

The one exception is `ask_question`: an anonymous question writes no audit event at all. Even
an event with no actor would carry the exact time and the next id after the asker's own
audited actions (signing in, say) or their API token's last use, and so point at them. The
question keeps only its day; how many were asked is audited when the leader records the
session, and answering a question is audited as usual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.core import audit
from everyweek.listening.ics import session_ics
from everyweek.listening.models import (
    CLOSED_ACTION_STATUSES,
    ActionItem,
    AnonymousQuestion,
    ListeningCadence,
    ListeningSession,
    SessionParticipant,
    SessionStatus,
)
from everyweek.listening.selectors import cadence_for, people_below
from everyweek.notifications.services import send_email
from everyweek.people.models import Person, Role

ICS_MIMETYPE = "text/calendar"


class ListeningError(ValueError):
    """A request that breaks a rule of listening sessions, with a message for the person."""


def _require_leader_or_admin(actor: Person, leader: Person) -> None:
    if actor.pk != leader.pk and actor.role != Role.ADMIN:
        raise ListeningError(_("Only the leader can change their own listening sessions."))


@transaction.atomic
def set_cadence(
    *,
    actor: Person,
    leader: Person,
    every_weeks: int,
    group_size: int,
    min_levels_below: int = 2,
) -> ListeningCadence:
    _require_leader_or_admin(actor, leader)
    if not 1 <= every_weeks <= 52 or not 1 <= group_size <= 30 or min_levels_below < 2:
        raise ListeningError(_("Choose a cadence of 1 to 52 weeks and 1 to 30 people."))
    cadence = ListeningCadence.objects.select_for_update().filter(leader=leader).first()
    values = {
        "every_weeks": every_weeks,
        "group_size": group_size,
        "min_levels_below": min_levels_below,
    }
    if cadence is None:
        cadence = ListeningCadence.objects.create(
            leader=leader, started_on=timezone.localdate(), **values
        )
        audit.record(actor, "listening.cadence.create", cadence, values)
    else:
        changes = audit.diff(cadence, values)
        for field, value in values.items():
            setattr(cadence, field, value)
        cadence.save()
        audit.record(actor, "listening.cadence.update", cadence, changes)
    return cadence


def _check_participants(leader: Person, people: Sequence[Person]) -> None:
    cadence = cadence_for(leader)
    allowed = set(
        people_below(leader, min_depth=cadence.min_levels_below).values_list("pk", flat=True)
    )
    outside = [p for p in people if p.pk not in allowed]
    if outside:
        raise ListeningError(
            _(
                "%(names)s cannot be invited: a skip-level session is with frontline people "
                "at least %(levels)s levels below you."
            )
            % {"names": ", ".join(str(p) for p in outside), "levels": cadence.min_levels_below}
        )


def _invite(session: ListeningSession, people: Iterable[Person], template: str) -> None:
    """Email each person the invitation (or update, or cancellation) with the .ics attached."""
    for person in people:
        ics = session_ics(session, language=person.locale)
        send_email(
            to=person,
            template=template,
            context={"session": session, "leader": session.leader},
            attachments=[("listening-session.ics", ics, ICS_MIMETYPE)],
        )


def _everyone(session: ListeningSession) -> list[Person]:
    people = [p.person for p in session.participants.select_related("person")]
    return [session.leader, *people]


@transaction.atomic
def schedule_session(
    *,
    actor: Person,
    leader: Person,
    starts_at: dt.datetime,
    participants: Sequence[Person],
    duration_minutes: int = 45,
    location: str = "",
    agenda: str = "",
    questions_open: bool = True,
) -> ListeningSession:
    _require_leader_or_admin(actor, leader)
    if not participants:
        raise ListeningError(_("Invite at least one person."))
    _check_participants(leader, participants)
    session = ListeningSession.objects.create(
        leader=leader,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        agenda=agenda,
        questions_open=questions_open,
    )
    SessionParticipant.objects.bulk_create(
        [SessionParticipant(session=session, person=p) for p in participants]
    )
    audit.record(
        actor,
        "listening.session.schedule",
        session,
        {"starts_at": starts_at, "participants": [p.pk for p in participants]},
    )
    _invite(session, _everyone(session), "listening/email/invitation")
    return session


@transaction.atomic
def reschedule_session(
    *,
    actor: Person,
    session: ListeningSession,
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str,
    agenda: str,
    questions_open: bool,
) -> ListeningSession:
    _require_leader_or_admin(actor, session.leader)
    if session.status != SessionStatus.PLANNED:
        raise ListeningError(_("Only a planned session can be changed."))
    values = {
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "location": location,
        "agenda": agenda,
        "questions_open": questions_open,
    }
    changes = audit.diff(session, values)
    if not changes:
        return session
    for field, value in values.items():
        setattr(session, field, value)
    # Calendars only replace the event when the sequence grows.
    session.sequence += 1
    session.save()
    audit.record(actor, "listening.session.update", session, changes)
    if {"starts_at", "duration_minutes", "location"} & set(changes):
        _invite(session, _everyone(session), "listening/email/update")
    return session


@transaction.atomic
def cancel_session(*, actor: Person, session: ListeningSession) -> ListeningSession:
    _require_leader_or_admin(actor, session.leader)
    if session.status != SessionStatus.PLANNED:
        raise ListeningError(_("Only a planned session can be cancelled."))
    session.status = SessionStatus.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence"])
    audit.record(actor, "listening.session.cancel", session)
    _invite(session, _everyone(session), "listening/email/cancellation")
    return session


@transaction.atomic
def record_session(
    *,
    actor: Person,
    session: ListeningSession,
    notes: str,
    attended: Iterable[int],
    held_at: dt.datetime | None = None,
) -> ListeningSession:
    """Mark the session held, keep the notes and who came (the others are marked absent)."""
    _require_leader_or_admin(actor, session.leader)
    if session.status == SessionStatus.CANCELLED:
        raise ListeningError(_("A cancelled session cannot be recorded."))
    came = set(attended)
    previous = session.status
    session.status = SessionStatus.HELD
    session.notes = notes
    session.held_at = session.held_at or held_at or min(timezone.now(), session.starts_at)
    session.save(update_fields=["status", "notes", "held_at"])
    session.participants.update(attended=False)
    session.participants.filter(person_id__in=came).update(attended=True)
    audit.record(
        actor,
        "listening.session.record",
        session,
        {
            "status": [previous, SessionStatus.HELD],
            "attended": sorted(came),
            # The anonymous questions' audit trail: a count, with no time that could match a visit.
            "questions": session.questions.count(),
        },
    )
    return session


@transaction.atomic
def add_action_item(
    *,
    actor: Person,
    session: ListeningSession,
    title: str,
    owner: Person,
    due_on: dt.date,
    raised_by: Sequence[Person] = (),
    description: str = "",
) -> ActionItem:
    """An impediment heard in the session becomes an action with an owner and a due date."""
    _require_leader_or_admin(actor, session.leader)
    invited = set(session.participants.values_list("person_id", flat=True))
    if any(p.pk not in invited for p in raised_by):
        raise ListeningError(_("Only people invited to the session can have raised it."))
    if not owner.is_active:
        raise ListeningError(_("The owner must be someone who still works here."))
    item = ActionItem.objects.create(
        session=session, title=title, description=description, owner=owner, due_on=due_on
    )
    item.raised_by.set(raised_by)
    audit.record(
        actor,
        "listening.action.create",
        item,
        {"owner": owner, "due_on": due_on, "raised_by": [p.pk for p in raised_by]},
    )
    if owner.pk != actor.pk:
        send_email(to=owner, template="listening/email/action_assigned", context={"item": item})
    return item


def can_update_action(user: Any, item: ActionItem) -> bool:
    return bool(user.is_authenticated) and (
        user.pk in (item.owner_id, item.session.leader_id) or user.role == Role.ADMIN
    )


@transaction.atomic
def update_action_item(
    *,
    actor: Person,
    item: ActionItem,
    status: str,
    resolution: str = "",
    owner: Person | None = None,
    due_on: dt.date | None = None,
) -> ActionItem:
    """Move an action along. Closing it tells the people who raised it what was done."""
    if not can_update_action(actor, item):
        raise ListeningError(_("Only the owner or the session's leader can update this action."))
    if status in CLOSED_ACTION_STATUSES and not resolution.strip() and not item.resolution:
        raise ListeningError(_("Say what was done before closing it."))
    values: dict[str, Any] = {"status": status, "resolution": resolution or item.resolution}
    if owner is not None:
        values["owner"] = owner
    if due_on is not None:
        values["due_on"] = due_on
    changes = audit.diff(item, values)
    closing = status in CLOSED_ACTION_STATUSES and not item.is_closed
    for field, value in values.items():
        setattr(item, field, value)
    if closing:
        item.closed_at = timezone.now()
    elif status not in CLOSED_ACTION_STATUSES:
        item.closed_at = None
    item.save()
    audit.record(actor, "listening.action.update", item, changes)
    if closing:
        for person in item.raised_by.filter(is_active=True):
            send_email(to=person, template="listening/email/action_closed", context={"item": item})
    return item


@transaction.atomic
def ask_question(*, actor: Person, session: ListeningSession, text: str) -> AnonymousQuestion:
    """Store a question with no trace of who asked: no author, only the day, no audit event.

    `actor` is only checked (invitees may ask) and then forgotten.
    """
    if session.status != SessionStatus.PLANNED or not session.questions_open:
        raise ListeningError(_("The question box of this session is closed."))
    if not session.participants.filter(person_id=actor.pk).exists():
        raise ListeningError(_("Only people invited to the session can ask."))
    text = text.strip()
    if not text:
        raise ListeningError(_("Write a question."))
    question = AnonymousQuestion.objects.create(
        session=session, text=text[:2000], asked_on=timezone.localdate()
    )
    return question


@transaction.atomic
def answer_question(
    *, actor: Person, question: AnonymousQuestion, answer: str
) -> AnonymousQuestion:
    _require_leader_or_admin(actor, question.session.leader)
    changes = audit.diff(question, {"answer": answer})
    question.answer = answer
    question.save(update_fields=["answer"])
    audit.record(actor, "listening.question.answer", question, changes)
    return question
