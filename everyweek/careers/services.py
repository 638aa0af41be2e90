"""Every write of the career path: atomic and audited. Pay figures are never put in the
audit trail's visible fields beyond what administrators already see in the admin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
from everyweek.core import audit
from everyweek.core.access import is_admin, is_leader, visible_people
from everyweek.people.models import Person


class CareerError(ValueError):
    """A request that breaks a rule of the career path, with a message for the person."""


def is_leader_of(user: Any, person: Person) -> bool:
    """A leader who may see this person (their team, department, or everyone), not themselves."""
    return (
        is_leader(user)
        and user.pk != person.pk
        and visible_people(user).filter(pk=person.pk).exists()
    )


def _require_admin(actor: Any) -> None:
    if not is_admin(actor):
        raise CareerError(_("Only administrators define career tracks and levels."))


@transaction.atomic
def create_track(
    *, actor: Any, name: str, department_kind: str, description: str = ""
) -> CareerTrack:
    _require_admin(actor)
    track = CareerTrack.objects.create(
        name=name, department_kind=department_kind, description=description
    )
    audit.record(actor, "careers.track.create", track, {"department_kind": department_kind})
    return track


@transaction.atomic
def save_level(
    *,
    actor: Any,
    track: CareerTrack,
    rank: int,
    name: str,
    description: str = "",
    pay_min: Decimal = Decimal(0),
    pay_max: Decimal = Decimal(0),
    currency: str = "EUR",
) -> CareerLevel:
    _require_admin(actor)
    if pay_max < pay_min:
        raise CareerError(_("The top of a pay band cannot be below its bottom."))
    level, created = CareerLevel.objects.update_or_create(
        track=track,
        rank=rank,
        defaults={
            "name": name,
            "description": description,
            "pay_min": pay_min,
            "pay_max": pay_max,
            "currency": currency.upper(),
        },
    )
    audit.record(actor, "careers.level.create" if created else "careers.level.update", level)
    return level


@transaction.atomic
def set_criterion(
    *, actor: Any, level: CareerLevel, metric: str, threshold: Decimal
) -> LevelCriterion:
    _require_admin(actor)
    if metric not in metrics.METRICS:
        raise CareerError(_("%(metric)s is not a known metric.") % {"metric": metric})
    criterion, _created = LevelCriterion.objects.update_or_create(
        level=level, metric=metric, defaults={"threshold": threshold}
    )
    audit.record(
        actor, "careers.criterion.set", criterion, {"metric": metric, "threshold": threshold}
    )
    return criterion


@transaction.atomic
def require_skill(*, actor: Any, level: CareerLevel, skill: Skill, min_rating: int) -> LevelSkill:
    _require_admin(actor)
    required, _created = LevelSkill.objects.update_or_create(
        level=level, skill=skill, defaults={"min_rating": min_rating}
    )
    audit.record(actor, "careers.skill.require", required, {"min_rating": min_rating})
    return required


@transaction.atomic
def set_position(
    *, actor: Any, person: Person, level: CareerLevel, since: dt.date | None = None
) -> CareerPosition:
    """Place someone on a level (a promotion, or their starting point). Their leaders or an
    administrator only; nobody promotes themselves."""
    if not (is_admin(actor) or is_leader_of(actor, person)):
        raise CareerError(_("Only their leaders or an administrator can change someone's level."))
    since = since or timezone.localdate()
    position = CareerPosition.objects.select_for_update().filter(person=person).first()
    previous = position.level_id if position else None
    if position is None:
        position = CareerPosition.objects.create(person=person, level=level, since=since)
    else:
        position.level = level
        position.since = since
        position.save(update_fields=["level", "since"])
    audit.record(actor, "careers.position.set", position, {"level": [previous, level.pk]})
    return position


@transaction.atomic
def assess_skill(
    *, actor: Any, person: Person, skill: Skill, rating: int, note: str = ""
) -> SkillAssessment:
    """A self-assessment when you rate yourself; a leader's assessment when a leader rates you."""
    if not 1 <= rating <= 5:
        raise CareerError(_("Rate from 1 to 5."))
    if actor.pk == person.pk:
        kind = AssessmentKind.SELF
    elif is_leader_of(actor, person):
        kind = AssessmentKind.LEADER
    else:
        raise CareerError(_("Only the person and their leaders can assess their skills."))
    assessment = SkillAssessment.objects.create(
        person=person,
        skill=skill,
        kind=kind,
        rating=rating,
        note=note,
        assessed_by=actor,
        assessed_at=timezone.now(),
    )
    audit.record(actor, "careers.skill.assess", assessment, {"kind": kind, "rating": rating})
    return assessment
