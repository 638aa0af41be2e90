"""Twelve weeks of internal requests between the demo organisation's departments.

`generate_servicedesk(rng)` opens desks in IT, HR, Finance, Operations and Customer Care, with
office hours, request types and a schedule notice, then files requests from colleagues in
other departments: acknowledged (a few late), updated, resolved (mostly on time) and rated.
One request type rises in the last full week, so the weekly digest has something to say.
Rows carry `is_generated=True` and are listed in the demo's GeneratedObject registry; no
email is sent.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from everyweek.demo.models import GeneratedObject
from everyweek.feedback.calendars import WEEKDAYS_NINE_TO_FIVE, BusinessClock
from everyweek.feedback.models import BusinessCalendar
from everyweek.people.models import Department, DepartmentKind, Person
from everyweek.servicedesk.digest import last_full_week
from everyweek.servicedesk.models import (
    DeskNotice,
    InternalRequest,
    RequestStatus,
    RequestType,
    RequestUpdate,
    ServiceDesk,
    UpdateKind,
)

# (desk name, department kind, preferred team, time zone, [(request type, turnaround min)]).
DESKS = [
    (
        "IT help",
        DepartmentKind.IT,
        "Service Desk",
        "Asia/Bangkok",
        [("Access to a tool", 240), ("New laptop or headset", 2400), ("Something is broken", 480)],
    ),
    (
        "People team",
        DepartmentKind.HR,
        None,
        "Europe/London",
        [("Employment letter", 960), ("Training budget", 2400), ("Onboarding a new hire", 4800)],
    ),
    (
        "Finance help",
        DepartmentKind.FINANCE,
        None,
        "Europe/Rome",
        [("Refund above my limit", 480), ("Expense question", 960), ("Invoice copy", 240)],
    ),
    (
        "Facilities",
        DepartmentKind.OPERATIONS,
        "Facilities",
        "Europe/Rome",
        [("Desk or room booking", 240), ("Repair", 960)],
    ),
    (
        "Customer Care for colleagues",
        DepartmentKind.SERVICE,
        None,
        "Europe/London",
        [("Customer feedback for a project", 1440), ("Escalate a customer case", 240)],
    ),
]
TITLES = {
    "Access to a tool": "Access to the refunds tool",
    "New laptop or headset": "My headset drops calls",
    "Something is broken": "Printer on floor 2",
    "Employment letter": "Letter for my rental contract",
    "Training budget": "Course on de-escalation",
    "Onboarding a new hire": "New starter on Monday",
    "Refund above my limit": "Refund of 240 for a loyal customer",
    "Expense question": "Train ticket to the Milan office",
    "Invoice copy": "Copy of invoice for a customer",
    "Desk or room booking": "Room for a team lunch",
    "Repair": "Broken chair",
    "Customer feedback for a project": "Feedback on the new app",
    "Escalate a customer case": "VIP customer waiting on delivery",
}
PER_WEEK = 6
WEEKS = 12


def _register(objects: Iterable[models.Model]) -> None:
    GeneratedObject.objects.bulk_create(
        [
            GeneratedObject(content_type=ContentType.objects.get_for_model(o), object_id=o.pk)
            for o in objects
        ]
    )


def _open(rng: random.Random, clock: BusinessClock, after: dt.datetime) -> dt.datetime:
    """A moment inside opening hours at or after `after`."""
    moment = clock.add_minutes(after, rng.randint(1, 60))
    return moment or after


@transaction.atomic
def generate_servicedesk(rng: random.Random) -> dict[str, int]:
    now = timezone.now()
    people = list(
        Person.objects.filter(is_generated=True, is_active=True).select_related("department")
    )
    desks: list[tuple[ServiceDesk, list[RequestType], BusinessClock]] = []
    for name, kind, team_name, zone, types in DESKS:
        department = Department.objects.filter(kind=kind, people__is_generated=True).first()
        if department is None or ServiceDesk.objects.filter(name=name).exists():
            continue
        team = department.teams.filter(name=team_name).first() if team_name else None
        calendar = BusinessCalendar.objects.filter(name=f"{name} hours").first()
        if calendar is None:
            calendar = BusinessCalendar.objects.create(
                name=f"{name} hours", time_zone=zone, weekly_hours=WEEKDAYS_NINE_TO_FIVE
            )
            _register([calendar])
        desk = ServiceDesk.objects.create(
            name=name,
            department=department,
            team=team,
            calendar=calendar,
            description=f"{department.name} helps colleagues with the requests below.",
            schedule="Monday to Friday, 09:00-17:00. Month-end close: urgent requests only.",
            acknowledge_within_minutes=rng.choice([120, 240]),
            is_generated=True,
        )
        _register([desk])
        request_types = RequestType.objects.bulk_create(
            [RequestType(desk=desk, name=n, turnaround_minutes=t) for n, t in types]
        )
        DeskNotice.objects.create(
            desk=desk,
            starts_on=now.date() + dt.timedelta(days=rng.randint(3, 10)),
            ends_on=now.date() + dt.timedelta(days=rng.randint(11, 14)),
            message="Quarter close: expect slower answers on non-urgent requests.",
        )
        desks.append((desk, request_types, BusinessClock(zone, WEEKDAYS_NINE_TO_FIVE)))

    last_week = last_full_week(now.date())
    requests: list[InternalRequest] = []
    for desk, request_types, clock in desks:
        # The people who answer: the desk's team, or its whole department.
        members = [
            p
            for p in people
            if (
                p.team_id == desk.team_id if desk.team_id else p.department_id == desk.department_id
            )
        ]
        askers = [p for p in people if p.department_id != desk.department_id]
        if not members or not askers:
            continue
        rising = rng.choice(request_types)
        for week in range(WEEKS, -1, -1):
            week_start = last_week - dt.timedelta(weeks=week - 1)
            count = PER_WEEK + rng.randint(-2, 2)
            for _n in range(count):
                request_type = rng.choice(request_types)
                if week_start >= last_week and rng.random() < 0.5:
                    request_type = rising  # something colleagues suddenly need more
                created = _open(
                    rng, clock, week_start + dt.timedelta(days=rng.randint(0, 4), hours=8)
                )
                if created > now:
                    continue
                requests.append(
                    _request(rng, desk, request_type, clock, created, now, members, askers)
                )
    InternalRequest.objects.bulk_create(requests)
    _register(requests)
    updates = [u for r in requests for u in _timeline(rng, r)]
    RequestUpdate.objects.bulk_create(updates)
    return {"desks": len(desks), "requests": len(requests), "updates": len(updates)}


def _request(
    rng: random.Random,
    desk: ServiceDesk,
    request_type: RequestType,
    clock: BusinessClock,
    created: dt.datetime,
    now: dt.datetime,
    members: list[Person],
    askers: list[Person],
) -> InternalRequest:
    ack_due = clock.add_minutes(created, desk.acknowledge_within_minutes) or created
    due = clock.add_minutes(created, request_type.turnaround_minutes) or created
    request = InternalRequest(
        desk=desk,
        request_type=request_type,
        requester=rng.choice(askers),
        title=TITLES.get(request_type.name, request_type.name),
        description="",
        created_at=created,
        auto_acknowledged_at=created,
        acknowledge_due_at=ack_due,
        due_at=due,
        is_generated=True,
    )
    # Most requests are picked up quickly; some wait past the standard.
    ack_after = rng.choice([20, 45, 90, 150, desk.acknowledge_within_minutes + 90])
    acknowledged = clock.add_minutes(created, ack_after)
    if acknowledged is None or acknowledged > now:
        return request  # still new, waiting for someone
    request.acknowledged_at = acknowledged
    request.acknowledged_by = request.assignee = rng.choice(members)
    request.acknowledgement_breached = acknowledged > ack_due
    request.status = RequestStatus.ACKNOWLEDGED
    took = request_type.turnaround_minutes * rng.choice([0.3, 0.6, 0.8, 0.9, 1.1, 1.6])
    resolved = clock.add_minutes(created, took)
    if resolved is None or resolved > now:
        request.status = RequestStatus.IN_PROGRESS
        return request
    request.status = RequestStatus.RESOLVED
    request.resolved_at = resolved
    request.resolution_minutes = clock.minutes_between(created, resolved)
    request.on_time = request.resolution_minutes <= request_type.turnaround_minutes
    if rng.random() < 0.7:
        base = [5, 5, 4, 4, 4, 3] if request.on_time else [4, 3, 3, 2, 1]
        request.rating = rng.choice(base)
        request.rated_at = resolved + dt.timedelta(hours=rng.randint(1, 30))
        if request.rated_at > now:
            request.rating, request.rated_at = None, None
    return request


def _timeline(rng: random.Random, r: InternalRequest) -> list[RequestUpdate]:
    items = [
        RequestUpdate(request=r, at=r.created_at, author=r.requester, kind=UpdateKind.CREATED),
        RequestUpdate(request=r, at=r.created_at, kind=UpdateKind.AUTO_ACK),
    ]
    if r.acknowledged_at:
        items.append(
            RequestUpdate(
                request=r,
                at=r.acknowledged_at,
                author=r.acknowledged_by,
                kind=UpdateKind.ACKNOWLEDGED,
                message="On it.",
            )
        )
    if r.resolved_at:
        items.append(
            RequestUpdate(
                request=r,
                at=r.resolved_at,
                author=r.assignee,
                kind=UpdateKind.RESOLVED,
                message="Done; tell us if anything is missing.",
            )
        )
    if r.rating and r.rated_at:
        items.append(
            RequestUpdate(request=r, at=r.rated_at, author=r.requester, kind=UpdateKind.RATED)
        )
    return items


def delete_generated_servicedesk() -> int:
    """Remove the generated desks and requests (the demo's registry-based delete does it too)."""
    deleted = InternalRequest.objects.filter(is_generated=True).delete()[0]
    calendars = list(
        ServiceDesk.objects.filter(is_generated=True).values_list("calendar_id", flat=True)
    )
    deleted += ServiceDesk.objects.filter(is_generated=True).delete()[0]
    deleted += BusinessCalendar.objects.filter(
        pk__in=[c for c in calendars if c], servicedesk__isnull=True
    ).delete()[0]
    return deleted
