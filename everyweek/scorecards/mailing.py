"""The weekly scorecard email to every leader, in their language, once per week."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from everyweek.core import audit
from everyweek.people.models import Person, Role
from everyweek.scorecards import selectors
from everyweek.scorecards.models import ScorecardMailing

LEADER_ROLES = (Role.LEAD, Role.MANAGER, Role.EXECUTIVE)


def last_full_week(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=today.weekday() + 7)


def send_weekly(week_start: dt.date | None = None) -> int:
    """Email each active leader the scorecard of what they lead; returns how many were sent.

    Running it again for the same week sends nothing more (one `ScorecardMailing` per leader
    and week, created in the same transaction as the email).
    """
    from everyweek.notifications.services import send_email

    monday = week_start or last_full_week(timezone.localdate())
    monday -= dt.timedelta(days=monday.weekday())
    period = selectors.period_for("week", monday)
    already = set(
        ScorecardMailing.objects.filter(week_start=monday).values_list("person_id", flat=True)
    )
    sent = 0
    leaders = Person.objects.filter(is_active=True, role__in=LEADER_ROLES).exclude(pk__in=already)
    for leader in leaders.select_related("team", "department"):
        kind, pk = selectors.home_subject(leader)
        if kind == "agent":
            continue
        subject = selectors.subject_for_user(leader, kind, pk)
        card = selectors.build(subject, period, trend_length=2)
        url = (
            reverse("scorecards:detail", args=[kind, pk])
            + "?"
            + (f"period=week&date={period.start.isoformat()}")
        )
        try:
            with transaction.atomic():
                ScorecardMailing.objects.create(person=leader, week_start=monday)
                send_email(
                    to=leader,
                    template="scorecards/email/weekly",
                    context={"card": card, "scorecard_url": url},
                )
                audit.record(None, "scorecard.email", leader, {"week": monday.isoformat()})
        except IntegrityError:
            continue  # another process sent this one meanwhile
        sent += 1
    return sent
