"""Indices that keep the promise of "every week": coverage, evenness across the year, and how
evenly recognition is spread across people (a Gini coefficient). Per team and organisation.

Recognition here is kudos received (not withdrawn) and customer praise a leader thanked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum

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


@dataclass
class TopPerformer:
    """One name on the top-performer list, with what they topped when the source says."""

    person: Person
    title: str = ""
    value: str = ""
    period: str = ""
    result_id: int | None = None  # a kept place a leader can turn into kudos
    thanked: bool = False


# A source names each period's top service performers: fn(period_start, period_end) ->
# list[Person | TopPerformer]. recognition.performers registers the scorecard rules' source;
# the pages show them beside the awards, and the list is empty until one is registered.
TopPerformerSource = Callable[[dt.date, dt.date], Sequence[Person | TopPerformer]]
_TOP_PERFORMER_SOURCES: list[TopPerformerSource] = []


def register_top_performer_source(source: TopPerformerSource) -> None:
    if source not in _TOP_PERFORMER_SOURCES:
        _TOP_PERFORMER_SOURCES.append(source)


def top_performers(start: dt.date, end: dt.date) -> list[TopPerformer]:
    found: list[TopPerformer] = []
    seen: set[tuple[int, str, str]] = set()
    for source in _TOP_PERFORMER_SOURCES:
        for item in source(start, end):
            entry = item if isinstance(item, TopPerformer) else TopPerformer(person=item)
            key = (entry.person.pk, entry.title, entry.period)
            if key not in seen:
                seen.add(key)
                found.append(entry)
    return found


@dataclass
class Parity:
    """Recognition and rewards that reached one kind of department in a period."""

    kind: str
    label: str
    people: int
    recognised: int = 0  # people recognised at least once (kudos or thanked praise)
    kudos: int = 0
    praise_thanked: int = 0
    awards_won: int = 0
    badges: int = 0
    top_places: int = 0
    points_awarded: int = 0  # earned through kudos, net of kudos withdrawn
    points_redeemed: int = 0  # spent on rewards, net of refunds

    def _per_person(self, value: int) -> float:
        return round(value / self.people, 1) if self.people else 0.0

    @property
    def kudos_per_person(self) -> float:
        return self._per_person(self.kudos)

    @property
    def points_per_person(self) -> float:
        return self._per_person(self.points_awarded)

    @property
    def redeemed_per_person(self) -> float:
        return self._per_person(self.points_redeemed)

    @property
    def recognised_share(self) -> float | None:
        return round(100 * self.recognised / self.people, 1) if self.people else None


def parity(now: dt.datetime, days: int = 365) -> list[Parity]:
    """Recognition and rewards per kind of department (service first, sales beside it, then any
    other kind with people), over the last `days`: one grouped query per measure."""
    from everyweek.recognition.models import BadgeAward, TopPerformerResult

    since = now - dt.timedelta(days=days)
    active = {"is_active": True, "department__isnull": False}
    rows: dict[str, Parity] = {
        kind.value: Parity(kind=kind.value, label=str(kind.label), people=0)
        for kind in (DepartmentKind.SERVICE, DepartmentKind.SALES)
    }

    def row(kind: str) -> Parity:
        if kind not in rows:
            rows[kind] = Parity(kind=kind, label=str(DepartmentKind(kind).label), people=0)
        return rows[kind]

    for entry in Person.objects.filter(**active).values("department__kind").annotate(n=Count("pk")):
        row(entry["department__kind"]).people = entry["n"]
    recognised: set[tuple[str, int]] = set()
    for entry in (
        Kudos.objects.filter(
            **{f"recipient__{k}": v for k, v in active.items()},
            withdrawn_at__isnull=True,
            created_at__gte=since,
            created_at__lt=now,
        )
        .values("recipient_id", "recipient__department__kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        kind = entry["recipient__department__kind"]
        row(kind).kudos += entry["n"]
        recognised.add((kind, entry["recipient_id"]))
    for entry in (
        Commendation.objects.filter(
            **{f"agent__{k}": v for k, v in active.items()},
            thanked_at__gte=since,
            thanked_at__lt=now,
        )
        .values("agent_id", "agent__department__kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        kind = entry["agent__department__kind"]
        row(kind).praise_thanked += entry["n"]
        recognised.add((kind, entry["agent_id"]))
    for kind, _pk in recognised:
        row(kind).recognised += 1
    for entry in (
        PointsEntry.objects.filter(
            **{f"person__{k}": v for k, v in active.items()},
            account=PointsAccount.EARNED,
            created_at__gte=since,
            created_at__lt=now,
        )
        .values("person__department__kind")
        .annotate(
            awarded=Sum("amount", filter=Q(kind__in=[PointsKind.RECEIVED, PointsKind.RETURNED])),
            redeemed=Sum("amount", filter=Q(kind__in=[PointsKind.REDEEMED, PointsKind.REFUND])),
        )
        .order_by()
    ):
        target = row(entry["person__department__kind"])
        target.points_awarded = entry["awarded"] or 0
        target.points_redeemed = -(entry["redeemed"] or 0)
    counted = (
        (
            Nomination.objects.filter(
                rank__isnull=False,
                programme__published_at__gte=since,
                programme__published_at__lt=now,
                rank__lte=F("programme__winners"),
            ),
            "nominee",
            "awards_won",
        ),
        (BadgeAward.objects.filter(awarded_at__gte=since, awarded_at__lt=now), "person", "badges"),
        (
            TopPerformerResult.objects.filter(
                period_start__gte=since.date(), period_end__lte=now.date() + dt.timedelta(days=1)
            ),
            "person",
            "top_places",
        ),
    )
    for queryset, path, attribute in counted:
        for entry in (
            queryset.filter(**{f"{path}__{k}": v for k, v in active.items()})
            .values(f"{path}__department__kind")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            setattr(row(entry[f"{path}__department__kind"]), attribute, entry["n"])
    return list(rows.values())
