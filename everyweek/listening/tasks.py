"""Periodic work of listening. Tasks take primary keys or nothing, and are safe to run twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from everyweek.core import audit
from everyweek.listening.models import ListeningCadence, ListeningSession, SessionStatus
from everyweek.listening.selectors import proposal
from everyweek.notifications.services import send_email

REMIND_EVERY = dt.timedelta(days=7)


def remind_due_leaders(today: dt.date | None = None) -> int:
    """Email each leader whose cadence has lapsed (no session held or planned within it) the
    people they have not met for longest. At most once a week per leader; returns how many."""
    today = today or timezone.localdate()
    sent = 0
    for cadence in ListeningCadence.objects.filter(leader__is_active=True).select_related("leader"):
        if cadence.reminded_on and today - cadence.reminded_on < REMIND_EVERY:
            continue
        since = timezone.now() - dt.timedelta(weeks=cadence.every_weeks)
        recent = ListeningSession.objects.filter(
            leader=cadence.leader, starts_at__gte=since
        ).exclude(status=SessionStatus.CANCELLED)
        if recent.exists():
            continue
        people = proposal(cadence.leader)
        if not people:
            continue
        with transaction.atomic():
            # Claimed with a conditional update, so two workers never both send it.
            claimed = ListeningCadence.objects.filter(
                pk=cadence.pk, reminded_on=cadence.reminded_on
            ).update(reminded_on=today)
            if not claimed:
                continue
            audit.record(
                None, "listening.cadence.remind", cadence, {"proposal": [p.pk for p in people]}
            )
            send_email(
                to=cadence.leader,
                template="listening/email/reminder",
                context={"cadence": cadence, "proposal": people},
            )
        sent += 1
    return sent


@task()
def remind_leaders() -> int:
    return remind_due_leaders()
