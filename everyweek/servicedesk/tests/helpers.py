"""An IT help desk, open Monday to Friday 09:00-17:00 in Rome, for the service desk tests."""

from __future__ import annotations

from dataclasses import dataclass

from everyweek.conftest import Org, make_person
from everyweek.feedback.calendars import create_calendar
from everyweek.people.models import Department, DepartmentKind, Person, Role, Team
from everyweek.servicedesk import services
from everyweek.servicedesk.models import RequestType, ServiceDesk


@dataclass
class Desk:
    desk: ServiceDesk
    access: RequestType
    laptop: RequestType
    ivan: Person  # agent of the help desk
    iris: Person  # lead of the help desk


def it_desk(org: Org, *, calendar: bool = True) -> Desk:
    it = Department.objects.create(name="IT", kind=DepartmentKind.IT)
    helpdesk = Team.objects.create(name="Helpdesk", department=it)
    iris = make_person("iris@example.com", "Iris Lead", Role.LEAD, department=it, team=helpdesk)
    ivan = make_person(
        "ivan@example.com", "Ivan Agent", Role.AGENT, department=it, team=helpdesk, reports_to=iris
    )
    desk = services.save_desk(
        actor=org.ada,
        name="IT help",
        department=it,
        team=helpdesk,
        calendar=create_calendar("Rome office", time_zone="Europe/Rome") if calendar else None,
        schedule="Friday afternoons are for planned maintenance.",
        acknowledge_within_minutes=240,
    )
    access = services.save_request_type(
        actor=org.ada, desk=desk, name="Access to a tool", turnaround_minutes=480
    )
    laptop = services.save_request_type(
        actor=org.ada, desk=desk, name="New laptop", turnaround_minutes=2400
    )
    return Desk(desk, access, laptop, ivan, iris)
