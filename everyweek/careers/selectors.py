"""Reads of the career path: each person's progress towards their next level, and pay bands."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.functional import Promise

from everyweek.careers import metrics
from everyweek.careers.models import (
    AssessmentKind,
    CareerLevel,
    CareerPosition,
    CareerTrack,
    LevelCriterion,
    LevelSkill,
    Skill,
    SkillAssessment,
)
from everyweek.people.models import DepartmentKind, Person, Role

PAY_ROLES = frozenset({Role.ADMIN, Role.EXECUTIVE})


def can_see_pay(user: Any) -> bool:
    """Pay bands are for administrators and executives only."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.role in PAY_ROLES
    )


@dataclass
class CriterionProgress:
    metric: str
    label: str | Promise
    unit: str | Promise
    threshold: Decimal
    value: Decimal | None

    @property
    def measured(self) -> bool:
        return self.value is not None

    @property
    def met(self) -> bool:
        return self.value is not None and self.value >= self.threshold


@dataclass
class SkillProgress:
    skill: Skill
    min_rating: int
    self_rating: int | None
    leader_rating: int | None

    @property
    def met(self) -> bool:
        # The leader's view decides; the self-assessment is there to talk about.
        return self.leader_rating is not None and self.leader_rating >= self.min_rating


@dataclass
class Progress:
    person: Person
    track: CareerTrack | None
    current: CareerLevel | None
    since: dt.date | None
    target: CareerLevel | None
    criteria: list[CriterionProgress] = field(default_factory=list)
    skills: list[SkillProgress] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.criteria) + len(self.skills)

    @property
    def met(self) -> int:
        return sum(c.met for c in self.criteria) + sum(s.met for s in self.skills)

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.total) if self.total else None

    @property
    def ready(self) -> bool:
        return self.target is not None and self.total > 0 and self.met == self.total


def _tracks() -> dict[int, CareerTrack]:
    levels = CareerLevel.objects.order_by("rank").prefetch_related(
        Prefetch("criteria", queryset=LevelCriterion.objects.order_by("metric")),
        Prefetch(
            "skills", queryset=LevelSkill.objects.select_related("skill").order_by("skill__name")
        ),
    )
    return {
        t.pk: t for t in CareerTrack.objects.prefetch_related(Prefetch("levels", queryset=levels))
    }


def _default_track(tracks: dict[int, CareerTrack], person: Person) -> CareerTrack | None:
    kind = person.department.kind if person.department_id and person.department else None
    for track in tracks.values():
        if track.department_kind == kind:
            return track
    return None


def progress_for(people: Sequence[Person], today: dt.date | None = None) -> dict[int, Progress]:
    """Where each person stands and what their next level asks, for many people at once.

    A handful of queries whatever the number of people: tracks with their levels, criteria
    and skills; positions; each metric in use once; the assessments.
    """
    today = today or timezone.localdate()
    tracks = _tracks()
    positions = {
        p.person_id: p
        for p in CareerPosition.objects.filter(person__in=[p.pk for p in people]).select_related(
            "level"
        )
    }
    result: dict[int, Progress] = {}
    for person in people:
        position = positions.get(person.pk)
        track = tracks.get(position.level.track_id) if position else _default_track(tracks, person)
        levels = list(track.levels.all()) if track else []
        current = next((lv for lv in levels if position and lv.pk == position.level_id), None)
        if current is None:
            target = levels[0] if levels and not position else None
        else:
            target = next((lv for lv in levels if lv.rank > current.rank), None)
        result[person.pk] = Progress(
            person=person,
            track=track,
            current=current,
            since=position.since if position else None,
            target=target,
        )

    keys = {c.metric for pr in result.values() if pr.target for c in pr.target.criteria.all()}
    values = metrics.evaluate(keys, people, today)
    ratings = latest_ratings([p.pk for p in people])
    for pr in result.values():
        if pr.target is None:
            continue
        for criterion in pr.target.criteria.all():
            metric = metrics.METRICS.get(criterion.metric)
            pr.criteria.append(
                CriterionProgress(
                    metric=criterion.metric,
                    label=metric.label if metric else criterion.metric,
                    unit=metric.unit if metric else "",
                    threshold=criterion.threshold,
                    value=values.get(criterion.metric, {}).get(pr.person.pk),
                )
            )
        for required in pr.target.skills.all():
            mine = ratings.get((pr.person.pk, required.skill_id), {})
            pr.skills.append(
                SkillProgress(
                    skill=required.skill,
                    min_rating=required.min_rating,
                    self_rating=mine.get(AssessmentKind.SELF),
                    leader_rating=mine.get(AssessmentKind.LEADER),
                )
            )
    return result


def latest_ratings(person_ids: Sequence[int]) -> dict[tuple[int, int], dict[str, int]]:
    """(person, skill) -> {"self": 4, "leader": 3}: the latest rating of each kind."""
    latest: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    rows = (
        SkillAssessment.objects.filter(person_id__in=person_ids)
        .order_by("assessed_at", "id")
        .values_list("person_id", "skill_id", "kind", "rating")
    )
    for person_id, skill_id, kind, rating in rows:
        latest[(person_id, skill_id)][kind] = rating
    return latest


# --- Pay bands ---------------------------------------------------------------------------------


@dataclass
class BandRow:
    rank: int
    cells: list[CareerLevel | None]
    service_vs_sales: Decimal | None  # service midpoint relative to sales, in percent


def pay_band_comparison() -> tuple[list[CareerTrack], list[BandRow]]:
    """Tracks side by side by rank, service tracks first, with service against sales."""
    tracks = list(
        CareerTrack.objects.prefetch_related(
            Prefetch(
                "levels",
                queryset=CareerLevel.objects.annotate(people=Count("positions")).order_by("rank"),
            )
        )
    )
    order = {DepartmentKind.SERVICE: 0, DepartmentKind.SALES: 1}
    tracks.sort(key=lambda t: (order.get(DepartmentKind(t.department_kind), 2), t.name))
    by_rank: dict[int, dict[int, CareerLevel]] = defaultdict(dict)
    for track in tracks:
        for level in track.levels.all():
            by_rank[level.rank][track.pk] = level
    service = next((t for t in tracks if t.department_kind == DepartmentKind.SERVICE), None)
    sales = next((t for t in tracks if t.department_kind == DepartmentKind.SALES), None)
    rows = []
    for rank in sorted(by_rank):
        cells = [by_rank[rank].get(t.pk) for t in tracks]
        a = by_rank[rank].get(service.pk) if service else None
        b = by_rank[rank].get(sales.pk) if sales else None
        ratio = None
        if a is not None and b is not None and b.pay_midpoint and a.currency == b.currency:
            ratio = ((a.pay_midpoint / b.pay_midpoint) * 100).quantize(Decimal("1"))
        rows.append(BandRow(rank=rank, cells=cells, service_vs_sales=ratio))
    return tracks, rows
