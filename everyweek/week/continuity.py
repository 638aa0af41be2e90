"""The "51 weeks" view: did the week's practices carry on afterwards?

It reads what the other apps expose, by model label, so it shows what exists in this
installation and a labelled placeholder for what does not (yet): recognition's kudos,
listening sessions held, customer survey responses, and this app's improvement backlog.
Counts are organisation-wide totals per four weeks, never anyone's personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from everyweek.week.models import BacklogItem, BacklogStatus, Celebration


@dataclass(frozen=True)
class Source:
    label: str | Promise
    practice: str | Promise
    model: str
    date_field: str
    filters: dict[str, Any] = field(default_factory=dict)


SOURCES = [
    Source(
        _("Kudos given"),
        _("Thank-you wall and sponsor messages"),
        "recognition.Kudos",
        "created_at",
        {"withdrawn_at__isnull": True},
    ),
    Source(
        _("Listening sessions held"),
        _("Time-out and retrospective"),
        "listening.ListeningSession",
        "held_at",
    ),
    Source(
        _("Customer survey responses"),
        _("Customer surprises and the customer's voice"),
        "feedback.SurveyResponse",
        "submitted_at",
    ),
    Source(
        _("Stretch goals reached"),
        _("Stretch goals and a leader's dare"),
        "recognition.TeamGoal",
        "reached_at",
    ),
]

BUCKET = dt.timedelta(weeks=4)


@dataclass
class Series:
    label: str | Promise
    practice: str | Promise
    available: bool
    during: int = 0
    buckets: list[int] = field(default_factory=list)
    # Weeks since the celebration with at least one occurrence: "does it continue weekly?"
    weeks_active: int = 0
    weeks_total: int = 0


def _series(source: Source, start: dt.datetime, week_end: dt.datetime, now: dt.datetime) -> Series:
    try:
        model = apps.get_model(source.model)
    except LookupError:
        return Series(source.label, source.practice, available=False)
    if not any(f.name == source.date_field for f in model._meta.get_fields()):
        return Series(source.label, source.practice, available=False)
    rows = model._default_manager.filter(**source.filters)
    during = rows.filter(
        **{f"{source.date_field}__gte": start, f"{source.date_field}__lt": week_end}
    ).count()
    buckets: list[int] = []
    cursor = week_end
    while cursor < now and len(buckets) < 13:
        buckets.append(
            rows.filter(
                **{f"{source.date_field}__gte": cursor, f"{source.date_field}__lt": cursor + BUCKET}
            ).count()
        )
        cursor += BUCKET
    after = rows.filter(**{f"{source.date_field}__gte": week_end, f"{source.date_field}__lt": now})
    weeks_active = (
        after.annotate(week=TruncWeek(source.date_field)).values("week").distinct().count()
    )
    weeks_total = max(0, (now - week_end).days // 7)
    return Series(source.label, source.practice, True, during, buckets, weeks_active, weeks_total)


def report(user: Any, celebration: Celebration | None) -> dict[str, Any] | None:
    if celebration is None:
        return None
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(celebration.starts_on, dt.time.min, tzinfo=zone)
    week_end = dt.datetime.combine(
        celebration.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=zone
    )
    now = timezone.now()
    backlog = BacklogItem.objects.filter(celebration=celebration)
    by_status = dict(
        backlog.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "started": now >= start,
        "series": [_series(s, start, week_end, now) for s in SOURCES],
        "backlog": [(label, by_status.get(value, 0)) for value, label in BacklogStatus.choices],
        "backlog_total": sum(by_status.values()),
        "backlog_done": by_status.get(BacklogStatus.DONE, 0),
    }
