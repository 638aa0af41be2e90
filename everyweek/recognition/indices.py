"""Indices that keep the promise of "every week": coverage, evenness across the year, and how
evenly recognition is spread across people (a Gini coefficient). Per team and organisation.

Recognition here is kudos received (not withdrawn) and customer praise a leader thanked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, QuerySet, Sum

from everyweek.people.models import DepartmentKind, Person
from everyweek.recognition.models import (
    Commendation,
    Kudos,
    Nomination,
    PointsAccount,
    PointsEntry,
    PointsKind,
)


def cs_week_start(year: int) -> dt.date:
    """Customer Service Week: the first full week of October (its Monday)."""
    first = dt.date(year, 10, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def gini(values: list[int]) -> float | None:
    """0 when everyone gets the same, towards 1 when one person gets everything."""
    if not values:
        return None
    ordered = sorted(values)
    total = sum(ordered)
    n = len(ordered)
    if total == 0:
        return 0.0
    weighted = sum((i + 1) * v for i, v in enumerate(ordered))
    return round((2 * weighted) / (n * total) - (n + 1) / n, 3)


def recognition_counts(
    people: QuerySet[Person], since: dt.datetime, until: dt.datetime
) -> Counter[int]:
    ids = list(people.values_list("pk", flat=True))
    counts: Counter[int] = Counter()
    for pk in Kudos.objects.filter(
        recipient_id__in=ids, withdrawn_at__isnull=True, created_at__gte=since, created_at__lt=until
    ).values_list("recipient_id", flat=True):
        counts[pk] += 1
    for pk in Commendation.objects.filter(
        agent_id__in=ids, thanked_at__gte=since, thanked_at__lt=until
    ).values_list("agent_id", flat=True):
        counts[pk] += 1
    return counts


@dataclass
class Coverage:
    people: int
    recognised: int
    share: float | None
    overlooked: list[Person]


def coverage(people: QuerySet[Person], days: int, now: dt.datetime) -> Coverage:
    active = people.filter(is_active=True)
    counts = recognition_counts(active, now - dt.timedelta(days=days), now)
    everyone = list(active.order_by("full_name"))
    recognised = sum(1 for p in everyone if counts[p.pk])
    return Coverage(
        people=len(everyone),
        recognised=recognised,
        share=round(100 * recognised / len(everyone), 1) if everyone else None,
        overlooked=[p for p in everyone if not counts[p.pk]],
    )


@dataclass
class Evenness:
    total: int
    outside_cs_week: float | None  # share of recognition outside Customer Service Week, %
    weeks_with_recognition: int  # of the last 52


def evenness(people: QuerySet[Person], now: dt.datetime) -> Evenness:
    since = now - dt.timedelta(weeks=52)
    ids = list(people.values_list("pk", flat=True))
    moments = list(
        Kudos.objects.filter(
            recipient_id__in=ids, withdrawn_at__isnull=True, created_at__gte=since
        ).values_list("created_at", flat=True)
    ) + list(
        Commendation.objects.filter(agent_id__in=ids, thanked_at__gte=since).values_list(
            "thanked_at", flat=True
        )
    )
    outside = 0
    weeks = set()
    for moment in moments:
        if moment is None:
            continue
        start = cs_week_start(moment.year)
        if not start <= moment.date() < start + dt.timedelta(days=7):
            outside += 1
        weeks.add(moment.isocalendar()[:2])
    return Evenness(
        total=len(moments),
        outside_cs_week=round(100 * outside / len(moments), 1) if moments else None,
        weeks_with_recognition=len(weeks),
    )


def distribution(people: QuerySet[Person], now: dt.datetime, days: int = 365) -> float | None:
    active = people.filter(is_active=True)
    counts = recognition_counts(active, now - dt.timedelta(days=days), now)
    return gini([counts[pk] for pk in active.values_list("pk", flat=True)])


def trend(
    people: QuerySet[Person], now: dt.datetime, months: int = 6
) -> list[tuple[str, float | None]]:
    """Coverage over 30 days, at the end of each of the last months."""
    points = []
    for back in range(months - 1, -1, -1):
        end = now - dt.timedelta(days=30 * back)
        points.append((f"{end:%Y-%m}", coverage(people, 30, end).share))
    return points


# --- Top performers and parity with sales ----------------------------------------------------

# Scorecards (another app) can register a function that names each period's top service
# performers: fn(period_start, period_end) -> list[Person]. The recognition pages show them
# beside the awards; until one is registered the list is simply empty.
TopPerformerSource = Callable[[dt.date, dt.date], list[Person]]
_TOP_PERFORMER_SOURCES: list[TopPerformerSource] = []


def register_top_performer_source(source: TopPerformerSource) -> None:
    if source not in _TOP_PERFORMER_SOURCES:
        _TOP_PERFORMER_SOURCES.append(source)


def top_performers(start: dt.date, end: dt.date) -> list[Person]:
    found: list[Person] = []
    for source in _TOP_PERFORMER_SOURCES:
        found.extend(p for p in source(start, end) if p not in found)
    return found


@dataclass
class Parity:
    kind: str
    label: str
    people: int
    kudos_per_person: float
    points_per_person: float
    awards_won: int


def parity(now: dt.datetime, days: int = 365) -> list[Parity]:
    """Recognition and rewards that reached service people, beside sales, per head."""
    since = now - dt.timedelta(days=days)
    rows = []
    for kind in (DepartmentKind.SERVICE, DepartmentKind.SALES):
        people = Person.objects.filter(is_active=True, department__kind=kind)
        count = people.count()
        kudos = Kudos.objects.filter(
            recipient__in=people, withdrawn_at__isnull=True, created_at__gte=since
        )
        points = (
            PointsEntry.objects.filter(
                person__in=people,
                account=PointsAccount.EARNED,
                kind=PointsKind.RECEIVED,
                created_at__gte=since,
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
        awards = Nomination.objects.filter(
            nominee__in=people,
            rank__isnull=False,
            programme__published_at__gte=since,
            rank__lte=F("programme__winners"),
        ).count()
        rows.append(
            Parity(
                kind=str(kind),
                label=str(kind.label),
                people=count,
                kudos_per_person=round(kudos.count() / count, 1) if count else 0.0,
                points_per_person=round(points / count, 1) if count else 0.0,
                awards_won=awards,
            )
        )
    return rows
