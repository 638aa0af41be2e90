"""A service track and a sales track with pay bands, for the career tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from everyweek.careers import services
from everyweek.careers.models import CareerLevel, CareerTrack, Skill
from everyweek.conftest import Org
from everyweek.people.models import DepartmentKind


@dataclass
class Ladder:
    service: CareerTrack
    sales: CareerTrack
    associate: CareerLevel
    specialist: CareerLevel
    empathy: Skill


def ladder(org: Org) -> Ladder:
    service = services.create_track(
        actor=org.ada, name="Customer service", department_kind=DepartmentKind.SERVICE
    )
    sales = services.create_track(actor=org.ada, name="Sales", department_kind=DepartmentKind.SALES)
    bands = {
        service: [("Associate", 30000, 36000), ("Specialist", 36000, 44000)],
        sales: [("Sales associate", 32000, 40000), ("Account executive", 40000, 50000)],
    }
    levels = {}
    for track, rows in bands.items():
        for rank, (name, low, high) in enumerate(rows, start=1):
            levels[name] = services.save_level(
                actor=org.ada,
                track=track,
                rank=rank,
                name=name,
                pay_min=Decimal(low),
                pay_max=Decimal(high),
            )
    specialist = levels["Specialist"]
    services.set_criterion(
        actor=org.ada, level=specialist, metric="tenure_months", threshold=Decimal(12)
    )
    services.set_criterion(
        actor=org.ada, level=specialist, metric="internal_csat_average", threshold=Decimal("4.0")
    )
    empathy = Skill.objects.create(name="Empathy")
    services.require_skill(actor=org.ada, level=specialist, skill=empathy, min_rating=4)
    return Ladder(service, sales, levels["Associate"], specialist, empathy)
