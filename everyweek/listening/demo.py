"""A year of skip-level listening for the demo organisation.

`generate_listening(rng)` works on the generated people (`is_generated=True`): executives and
managers keep a cadence, meet frontline people two or more levels below them, write notes,
turn impediments into action items, and have an upcoming session with anonymous questions.
Rows carry `is_generated=True` and are also listed in everyweek.demo's GeneratedObject registry
(so the demo's delete removes them before the people they point at). Written with bulk_create
and without sending a single email.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from everyweek.demo.models import GeneratedObject
from everyweek.listening.models import (
    ActionItem,
    ActionStatus,
    AnonymousQuestion,
    ListeningCadence,
    ListeningSession,
    SessionParticipant,
    SessionStatus,
)
from everyweek.listening.selectors import people_below
from everyweek.people.models import Person, Role

# Content, not interface text: what people said, in their own language.
IMPEDIMENTS = {
    "en": [
        "Refunds over 100 need three approvals",
        "The knowledge base search misses obvious articles",
        "Headsets drop calls after two hours",
        "No time to read customer feedback in the week",
        "Shift swaps need a manager's signature",
    ],
    "it": [
        "I rimborsi oltre 100 euro richiedono tre approvazioni",
        "La ricerca nella knowledge base non trova articoli ovvi",
        "Le cuffie fanno cadere le chiamate dopo due ore",
    ],
    "de": [
        "Erstattungen über 100 Euro brauchen drei Freigaben",
        "Die Suche in der Wissensdatenbank findet offensichtliche Artikel nicht",
        "Schichttausch braucht die Unterschrift der Leitung",
    ],
    "th": [
        "การคืนเงินเกิน 100 ต้องผ่านการอนุมัติสามขั้น",
        "ระบบค้นหาฐานความรู้หาบทความที่ชัดเจนไม่เจอ",
        "หูฟังตัดสายหลังใช้งานสองชั่วโมง",
    ],
}
QUESTIONS = {
    "en": [
        "Will the new ticket tool arrive before peak season?",
        "Why do we still measure handle time if we want happy customers?",
    ],
    "it": ["Quando avremo più persone nel turno serale?"],
    "de": ["Warum dauert die Freigabe von Kulanz so lange?"],
    "th": ["จะมีการอบรมผลิตภัณฑ์ใหม่เมื่อไร"],
}
NOTES = {
    "en": "Thanked the team for the busy month. Heard about tools, approvals and shifts.",
    "it": "Ringraziato il team per il mese intenso. Parlato di strumenti, approvazioni e turni.",
    "de": "Dem Team für den vollen Monat gedankt. Über Werkzeuge, Freigaben und Schichten gesprochen.",
    "th": "ขอบคุณทีมสำหรับเดือนที่ยุ่ง ได้ฟังเรื่องเครื่องมือ การอนุมัติ และกะการทำงาน",
}
RESOLUTIONS = {
    "en": "Changed the process; confirmed with the people who raised it.",
    "it": "Processo cambiato; confermato con chi l'aveva segnalato.",
    "de": "Ablauf geändert; mit denen bestätigt, die es angesprochen hatten.",
    "th": "ปรับกระบวนการแล้ว และยืนยันกับผู้ที่ยกประเด็นแล้ว",
}


def _register(objects: Iterable[models.Model]) -> None:
    rows = [
        GeneratedObject(content_type=ContentType.objects.get_for_model(o), object_id=o.pk)
        for o in objects
    ]
    GeneratedObject.objects.bulk_create(rows)


def _text(bank: dict[str, list[str]], language: str, rng: random.Random) -> str:
    return rng.choice(bank.get(language) or bank["en"])


def _at_ten(day: dt.date, person: Person) -> dt.datetime:
    """10:00 in the leader's own time zone."""
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=zoneinfo.ZoneInfo(person.time_zone))


@transaction.atomic
def generate_listening(rng: random.Random, *, weeks: int = 52) -> dict[str, int]:
    """Cadences, a year of sessions, action items and anonymous questions. Returns counts."""
    today = timezone.localdate()
    now = timezone.now()
    leaders = list(
        Person.objects.filter(
            is_generated=True,
            is_active=True,
            role__in=[Role.MANAGER, Role.EXECUTIVE],
            listening_cadence__isnull=True,
        ).order_by("pk")
    )
    cadences: list[ListeningCadence] = []
    plans: list[tuple[Person, ListeningCadence, list[Person]]] = []
    for leader in leaders:
        below = list(people_below(leader).order_by("pk"))
        if len(below) < 3:
            continue
        cadence = ListeningCadence(
            leader=leader,
            every_weeks=rng.choice([2, 4, 4, 6]),
            group_size=rng.choice([4, 5, 6]),
            started_on=today - dt.timedelta(weeks=weeks),
            is_generated=True,
        )
        cadences.append(cadence)
        plans.append((leader, cadence, below))
    ListeningCadence.objects.bulk_create(cadences)
    _register(cadences)

    sessions: list[ListeningSession] = []
    invited: list[list[Person]] = []
    for leader, cadence, below in plans:
        rng.shuffle(below)
        # Some leaders keep their cadence better than others.
        keeps = rng.uniform(0.55, 1.0)
        cursor = 0
        days = [
            today - dt.timedelta(weeks=week, days=rng.randint(0, 3))
            for week in range(weeks, 0, -cadence.every_weeks)
            if rng.random() <= keeps
        ]
        # And the next one, a few days ahead, with its question box open.
        days.append(today + dt.timedelta(days=rng.randint(2, 10)))
        for day in days:
            future = day > today
            group = [below[(cursor + i) % len(below)] for i in range(cadence.group_size)]
            group = list({p.pk: p for p in group}.values())
            cursor += cadence.group_size
            starts = _at_ten(day, leader)
            sessions.append(
                ListeningSession(
                    leader=leader,
                    starts_at=starts,
                    duration_minutes=45,
                    location=rng.choice(["Room 1", "Video call", "Cafeteria"]),
                    status=SessionStatus.PLANNED if future else SessionStatus.HELD,
                    held_at=None if future else starts,
                    notes="" if future else NOTES.get(leader.locale, NOTES["en"]),
                    questions_open=future,
                    is_generated=True,
                )
            )
            invited.append(group)
    ListeningSession.objects.bulk_create(sessions)
    _register(sessions)

    participants: list[SessionParticipant] = []
    actions: list[ActionItem] = []
    raisers: list[list[Person]] = []
    questions: list[AnonymousQuestion] = []
    for session, group in zip(sessions, invited, strict=True):
        held = session.status == SessionStatus.HELD
        came = [p for p in group if not held or rng.random() < 0.9]
        participants += [
            SessionParticipant(session=session, person=p, attended=(p in came) if held else None)
            for p in group
        ]
        if not held:
            for _n in range(rng.randint(1, 3)):
                asker = rng.choice(group)  # only to pick a language; never stored
                questions.append(
                    AnonymousQuestion(
                        session=session,
                        text=_text(QUESTIONS, asker.locale, rng),
                        asked_on=today - dt.timedelta(days=rng.randint(0, 3)),
                        is_generated=True,
                    )
                )
            continue
        for _n in range(rng.choice([0, 1, 1, 2])):
            if not came:
                break
            raiser = rng.choice(came)
            due = session.starts_at.date() + dt.timedelta(days=rng.randint(14, 45))
            age = (today - session.starts_at.date()).days
            closed = (age > 30 and rng.random() < 0.8) or (age > 10 and rng.random() < 0.3)
            status = (
                rng.choice([ActionStatus.DONE, ActionStatus.DONE, ActionStatus.DECLINED])
                if closed
                else rng.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
            )
            closed_at = (
                min(session.starts_at + dt.timedelta(days=rng.randint(5, 40)), now)
                if closed
                else None
            )
            actions.append(
                ActionItem(
                    session=session,
                    title=_text(IMPEDIMENTS, raiser.locale, rng),
                    owner=session.leader,
                    due_on=due,
                    status=status,
                    resolution=RESOLUTIONS.get(raiser.locale, RESOLUTIONS["en"]) if closed else "",
                    closed_at=closed_at,
                    is_generated=True,
                )
            )
            raisers.append([raiser])
    SessionParticipant.objects.bulk_create(participants)
    ActionItem.objects.bulk_create(actions)
    _register(actions)
    through = ActionItem.raised_by.through
    through.objects.bulk_create(
        [
            through(actionitem_id=item.pk, person_id=p.pk)
            for item, people in zip(actions, raisers, strict=True)
            for p in people
        ]
    )
    AnonymousQuestion.objects.bulk_create(questions)
    _register(questions)
    return {
        "cadences": len(cadences),
        "sessions": len(sessions),
        "action_items": len(actions),
        "questions": len(questions),
    }


def delete_generated_listening() -> int:
    """Remove the generated listening data (the demo's registry-based delete does it too)."""
    deleted = ListeningSession.objects.filter(is_generated=True).delete()[0]
    deleted += ListeningCadence.objects.filter(is_generated=True).delete()[0]
    return deleted
