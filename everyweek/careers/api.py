"""The career path over the JSON API. Pay appears only under /pay-bands, for administrators
and executives; every other answer leaves it out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import caller, require_scope
from everyweek.api.models import TokenScope
from everyweek.careers import metrics, selectors, services
from everyweek.careers.models import AssessmentKind, CareerLevel, CareerTrack, Skill
from everyweek.core.access import get_person_for_user

router = Router(tags=["careers"])


class CriterionOut(Schema):
    metric: str
    label: str
    unit: str
    threshold: Decimal


class RequiredSkillOut(Schema):
    skill: str
    min_rating: int


class LevelOut(Schema):
    id: int
    rank: int
    name: str
    description: str
    criteria: list[CriterionOut]
    skills: list[RequiredSkillOut]


class TrackOut(Schema):
    id: int
    name: str
    department_kind: str
    description: str
    levels: list[LevelOut]


class CriterionProgressOut(CriterionOut):
    value: Decimal | None
    met: bool


class SkillProgressOut(Schema):
    skill: str
    min_rating: int
    self_rating: int | None
    leader_rating: int | None
    met: bool


class LevelRef(Schema):
    id: int
    name: str
    rank: int


class ProgressOut(Schema):
    person_id: int
    track: str | None
    level: LevelRef | None
    since: dt.date | None
    next_level: LevelRef | None
    criteria: list[CriterionProgressOut]
    skills: list[SkillProgressOut]
    met: int
    total: int
    percent: int | None
    ready: bool


class AssessmentIn(Schema):
    skill_id: int
    rating: int = Field(ge=1, le=5)
    note: str = Field("", max_length=300)


class AssessmentOut(Schema):
    id: int
    skill_id: int
    kind: AssessmentKind
    rating: int
    note: str
    assessed_at: dt.datetime


class PositionIn(Schema):
    level_id: int
    since: dt.date | None = None


class BandOut(Schema):
    track: str
    level: str
    pay_min: Decimal
    pay_max: Decimal
    currency: str
    people: int


class BandRowOut(Schema):
    rank: int
    bands: list[BandOut | None]
    service_vs_sales_percent: Decimal | None


def _ref(level: CareerLevel | None) -> dict[str, Any] | None:
    return None if level is None else {"id": level.pk, "name": level.name, "rank": level.rank}


def _label(key: str) -> tuple[str, str]:
    metric = metrics.METRICS.get(key)
    return (str(metric.label), str(metric.unit)) if metric else (key, "")


@router.get("/tracks", response=list[TrackOut], summary="Career tracks, levels and what they ask")
def list_tracks(request: HttpRequest) -> list[dict[str, Any]]:
    caller(request)
    tracks = CareerTrack.objects.prefetch_related(
        Prefetch(
            "levels",
            queryset=CareerLevel.objects.order_by("rank").prefetch_related(
                "criteria", "skills__skill"
            ),
        )
    )
    return [
        {
            "id": t.pk,
            "name": t.name,
            "department_kind": t.department_kind,
            "description": t.description,
            "levels": [
                {
                    "id": lv.pk,
                    "rank": lv.rank,
                    "name": lv.name,
                    "description": lv.description,
                    "criteria": [
                        {
                            "metric": c.metric,
                            "label": _label(c.metric)[0],
                            "unit": _label(c.metric)[1],
                            "threshold": c.threshold,
                        }
                        for c in lv.criteria.all()
                    ],
                    "skills": [
                        {"skill": s.skill.name, "min_rating": s.min_rating} for s in lv.skills.all()
                    ],
                }
                for lv in t.levels.all()
            ],
        }
        for t in tracks
    ]


@router.get(
    "/people/{int:person_id}/progress",
    response=ProgressOut,
    summary="A person's progress towards their next level",
)
def get_progress(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """For the person and their leaders (404 for anyone else)."""
    person = get_person_for_user(caller(request), person_id)
    p = selectors.progress_for([person])[person.pk]
    return {
        "person_id": person.pk,
        "track": p.track.name if p.track else None,
        "level": _ref(p.current),
        "since": p.since,
        "next_level": _ref(p.target),
        "criteria": [
            {
                "metric": c.metric,
                "label": str(c.label),
                "unit": str(c.unit),
                "threshold": c.threshold,
                "value": c.value,
                "met": c.met,
            }
            for c in p.criteria
        ],
        "skills": [
            {
                "skill": s.skill.name,
                "min_rating": s.min_rating,
                "self_rating": s.self_rating,
                "leader_rating": s.leader_rating,
                "met": s.met,
            }
            for s in p.skills
        ],
        "met": p.met,
        "total": p.total,
        "percent": p.percent,
        "ready": p.ready,
    }


@router.post(
    "/people/{int:person_id}/assessments",
    response={201: AssessmentOut},
    summary="Assess a skill (yourself, or as their leader)",
)
def create_assessment(request: HttpRequest, person_id: int, payload: AssessmentIn) -> Status[Any]:
    actor = require_scope(request, TokenScope.WRITE)
    person = get_person_for_user(actor, person_id)
    skill = Skill.objects.filter(pk=payload.skill_id).first()
    if skill is None:
        raise errors.unknown_reference("skill_id")
    try:
        assessment = services.assess_skill(
            actor=actor, person=person, skill=skill, rating=payload.rating, note=payload.note
        )
    except services.CareerError as exc:
        raise errors.permission_denied(str(exc)) from exc
    return Status(201, assessment)


@router.put(
    "/people/{int:person_id}/level",
    response=ProgressOut,
    summary="Set a person's level (their leaders, administrators)",
)
def put_level(request: HttpRequest, person_id: int, payload: PositionIn) -> dict[str, Any]:
    actor = require_scope(request, TokenScope.WRITE)
    person = get_person_for_user(actor, person_id)
    level = CareerLevel.objects.filter(pk=payload.level_id).first()
    if level is None:
        raise errors.unknown_reference("level_id")
    try:
        services.set_position(actor=actor, person=person, level=level, since=payload.since)
    except services.CareerError as exc:
        raise errors.permission_denied(str(exc)) from exc
    return get_progress(request, person_id)


@router.get(
    "/pay-bands",
    response=list[BandRowOut],
    summary="Pay bands, service beside sales (administrators, executives)",
)
def get_pay_bands(request: HttpRequest) -> list[dict[str, Any]]:
    if not selectors.can_see_pay(caller(request)):
        raise errors.permission_denied()
    tracks, rows = selectors.pay_band_comparison()
    return [
        {
            "rank": row.rank,
            "bands": [
                None
                if level is None
                else {
                    "track": track.name,
                    "level": level.name,
                    "pay_min": level.pay_min,
                    "pay_max": level.pay_max,
                    "currency": level.currency,
                    "people": getattr(level, "people", 0),
                }
                for track, level in zip(tracks, row.cells, strict=True)
            ],
            "service_vs_sales_percent": row.service_vs_sales,
        }
        for row in rows
    ]
