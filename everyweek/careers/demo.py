"""A career path for the demo organisation: a service track on a par with a sales track.

`generate_careers(rng)` defines both tracks with four levels, pay bands (service close to
sales: the point of seed 001), criteria on tenure, customer and internal CSAT, kudos and
customer commendations, and required skills; it places every generated service and sales
person on a level by tenure and records self and leader skill ratings. Rows carry
`is_generated=True` where the model has the flag and are listed in the demo's
GeneratedObject registry.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

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
from everyweek.demo.models import GeneratedObject
from everyweek.people.models import DepartmentKind, Person, Role

SKILLS = [
    ("Empathy", "Hears what the customer needs, not only what they say."),
    ("Product knowledge", "Answers without looking it up for the common cases."),
    ("De-escalation", "Turns an angry call into a calm one."),
    ("Written communication", "Clear, warm, short replies."),
    ("Coaching", "Helps colleagues get better."),
]
# (rank, name, pay from, pay to, {metric: threshold}, {skill: minimum rating}).
SERVICE = [
    (1, "Associate", 30000, 36000, {}, {"Empathy": 2}),
    (
        2,
        "Specialist",
        36000,
        45000,
        {"tenure_months": 12, "customer_csat_percent": 80},
        {"Empathy": 3, "Product knowledge": 3},
    ),
    (
        3,
        "Senior",
        45000,
        56000,
        {
            "tenure_months": 30,
            "customer_csat_percent": 85,
            "kudos_received": 5,
            "customer_commendations": 2,
        },
        {"De-escalation": 4, "Written communication": 4},
    ),
    (
        4,
        "Lead",
        56000,
        70000,
        {"tenure_months": 48, "internal_csat_average": 4, "kudos_received": 10},
        {"Coaching": 4},
    ),
]
SALES = [
    (1, "Sales associate", 32000, 40000),
    (2, "Account executive", 40000, 50000),
    (3, "Senior account executive", 50000, 62000),
    (4, "Sales lead", 62000, 78000),
]


def _register(objects: Iterable[models.Model]) -> None:
    GeneratedObject.objects.bulk_create(
        [
            GeneratedObject(content_type=ContentType.objects.get_for_model(o), object_id=o.pk)
            for o in objects
        ]
    )


def _rank_for(person: Person, today: dt.date) -> int:
    months = 0
    if person.hire_date:
        months = (today - person.hire_date).days // 30
    if person.role == Role.LEAD:
        return 4
    return 1 if months < 12 else 2 if months < 30 else 3


@transaction.atomic
def generate_careers(rng: random.Random) -> dict[str, int]:
    today = timezone.localdate()
    if CareerTrack.objects.filter(name__in=["Customer service", "Sales"]).exists():
        return {"tracks": 0, "positions": 0, "assessments": 0}
    skills = {
        name: Skill.objects.create(name=name, description=text, is_generated=True)
        for name, text in SKILLS
        if not Skill.objects.filter(name=name).exists()
    }
    skills.update({s.name: s for s in Skill.objects.filter(name__in=[n for n, _t in SKILLS])})
    _register([s for s in skills.values() if s.is_generated])

    service = CareerTrack.objects.create(
        name="Customer service",
        department_kind=DepartmentKind.SERVICE,
        description="From first answers to leading a team: a career, not a stepping stone.",
        is_generated=True,
    )
    sales = CareerTrack.objects.create(
        name="Sales", department_kind=DepartmentKind.SALES, is_generated=True
    )
    _register([service, sales])
    levels: dict[tuple[int, int], CareerLevel] = {}
    for rank, name, low, high, criteria, required in SERVICE:
        level = CareerLevel.objects.create(
            track=service, rank=rank, name=name, pay_min=Decimal(low), pay_max=Decimal(high)
        )
        levels[(service.pk, rank)] = level
        LevelCriterion.objects.bulk_create(
            [
                LevelCriterion(level=level, metric=m, threshold=Decimal(t))
                for m, t in criteria.items()
            ]
        )
        LevelSkill.objects.bulk_create(
            [LevelSkill(level=level, skill=skills[s], min_rating=r) for s, r in required.items()]
        )
    for rank, name, low, high in SALES:
        levels[(sales.pk, rank)] = CareerLevel.objects.create(
            track=sales, rank=rank, name=name, pay_min=Decimal(low), pay_max=Decimal(high)
        )

    people = list(
        Person.objects.filter(
            is_generated=True,
            is_active=True,
            role__in=[Role.AGENT, Role.LEAD],
            department__kind__in=[DepartmentKind.SERVICE, DepartmentKind.SALES],
        ).select_related("department", "reports_to")
    )
    positions = []
    for person in people:
        kind = person.department.kind if person.department else None
        track = service if kind == DepartmentKind.SERVICE else sales
        rank = _rank_for(person, today)
        positions.append(
            CareerPosition(
                person=person,
                level=levels[(track.pk, rank)],
                since=max(
                    person.hire_date or today, today - dt.timedelta(days=rng.randint(60, 700))
                ),
                is_generated=True,
            )
        )
    CareerPosition.objects.bulk_create(positions)
    _register(positions)

    now = timezone.now()
    assessments = []
    for person in people:
        kind = person.department.kind if person.department else None
        if kind != DepartmentKind.SERVICE or rng.random() < 0.3:
            continue
        for skill in rng.sample(list(skills.values()), 3):
            own = rng.randint(2, 5)
            assessments.append(
                SkillAssessment(
                    person=person,
                    skill=skill,
                    kind=AssessmentKind.SELF,
                    rating=own,
                    assessed_by=person,
                    assessed_at=now - dt.timedelta(days=rng.randint(20, 200)),
                    is_generated=True,
                )
            )
            if person.reports_to_id:
                assessments.append(
                    SkillAssessment(
                        person=person,
                        skill=skill,
                        kind=AssessmentKind.LEADER,
                        rating=max(1, min(5, own + rng.choice([-1, 0, 0, 1]))),
                        assessed_by=person.reports_to,
                        assessed_at=now - dt.timedelta(days=rng.randint(1, 19)),
                        is_generated=True,
                    )
                )
    SkillAssessment.objects.bulk_create(assessments)
    _register(assessments)
    return {"tracks": 2, "positions": len(positions), "assessments": len(assessments)}


def delete_generated_careers() -> int:
    """Remove the generated career data (the demo's registry-based delete does it too)."""
    deleted = SkillAssessment.objects.filter(is_generated=True).delete()[0]
    deleted += CareerPosition.objects.filter(is_generated=True).delete()[0]
    deleted += CareerTrack.objects.filter(is_generated=True).delete()[0]
    deleted += Skill.objects.filter(is_generated=True).delete()[0]
    return deleted
