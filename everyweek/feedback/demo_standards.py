"""The demo's service standards, on two business calendars with the year's real public holidays.

`generate_standards(rng, days=365)` runs after the feedback generator (it needs the
interactions) and before the scorecards one, which rebuilds the rollups: it creates the
calendars and standards (registered as generated, so the demo's delete removes them) and
evaluates every generated interaction with the bulk evaluator, so first-response and resolution
attainment on the demo scorecards are real measurements, not made-up figures.

Live channels (phone, chat) run around the clock; written ones on office hours, where a night or
a holiday does not count against the team.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from everyweek.demo.models import GeneratedObject
from everyweek.feedback import standards
from everyweek.feedback.calendars import create_calendar, load_holidays
from everyweek.feedback.models import (
    BusinessCalendar,
    Channel,
    Interaction,
    Priority,
    ServiceStandard,
    ServiceStandardMetric,
)
from everyweek.people.models import Team

FR = ServiceStandardMetric.FIRST_RESPONSE
RES = ServiceStandardMetric.RESOLUTION


@dataclass(frozen=True)
class CalendarPlan:
    name: str
    time_zone: str
    country: str
    weekly_hours: dict[str, list[list[str]]]


# Europe: the Milan hub's long weekdays and a Saturday morning; Bangkok: Monday to Saturday.
EUROPE = CalendarPlan(
    "Customer Care Europe (Italy)",
    "Europe/Rome",
    "IT",
    {**{str(d): [["08:00", "20:00"]] for d in range(5)}, "5": [["09:00", "13:00"]]},
)
THAILAND = CalendarPlan(
    "Customer Care Thailand",
    "Asia/Bangkok",
    "TH",
    {str(d): [["09:00", "18:00"]] for d in range(6)},
)
CALENDARS = (EUROPE, THAILAND)


@dataclass(frozen=True)
class StandardPlan:
    name: str
    metric: str
    minutes: int
    target: int
    calendar: CalendarPlan | None = None
    channel: str = ""
    priority: str = ""
    team: str = ""  # a Customer Care team's name
    pause_while_pending: bool = True


EUROPE_DAY = 12 * 60  # one business day on the Europe calendar
STANDARDS = (
    StandardPlan("Phone: answered within 1 minute", FR, 1, 95, channel=Channel.PHONE),
    StandardPlan("Chat: first reply within 3 minutes", FR, 3, 85, channel=Channel.CHAT),
    StandardPlan(
        "Email: first reply within 4 business hours", FR, 240, 85, EUROPE, channel=Channel.EMAIL
    ),
    StandardPlan(
        "Web form: first reply within 4 business hours", FR, 240, 85, EUROPE, channel=Channel.WEB
    ),
    StandardPlan("Urgent: first reply within 30 minutes", FR, 30, 90, priority=Priority.URGENT),
    StandardPlan(
        "Thailand: first reply within 2 business hours", FR, 120, 85, THAILAND, team="Thailand"
    ),
    StandardPlan("Resolved within 3 business days", RES, 3 * EUROPE_DAY, 90, EUROPE),
    StandardPlan("Chat: resolved within 8 hours", RES, 8 * 60, 80, channel=Channel.CHAT),
    StandardPlan(
        "Urgent: resolved within 1 business day",
        RES,
        EUROPE_DAY,
        85,
        EUROPE,
        priority=Priority.URGENT,
    ),
)


def _register(objects: list[models.Model]) -> None:
    GeneratedObject.objects.bulk_create(
        GeneratedObject(content_type=ContentType.objects.get_for_model(o), object_id=o.pk)
        for o in objects
    )


def _calendars(years: list[int]) -> dict[str, BusinessCalendar]:
    found: dict[str, BusinessCalendar] = {}
    for cplan in CALENDARS:
        calendar = BusinessCalendar.objects.filter(name=cplan.name).first()
        if calendar is None:
            calendar = create_calendar(
                cplan.name,
                time_zone=cplan.time_zone,
                weekly_hours=cplan.weekly_hours,
                country=cplan.country,
            )
            # Holidays cascade with the calendar, so only the calendar is registered.
            _register([calendar])
        # The holidays package's own data (no network), in the country's language.
        load_holidays(calendar, cplan.country, years)
        found[cplan.name] = calendar
    return found


@transaction.atomic
def generate_standards(rng: random.Random, *, days: int = 365) -> dict[str, int]:
    """Calendars, standards and every generated interaction's results. Returns the counts."""
    del rng  # nothing random: the standards are the organisation's fixed promises
    today = timezone.localdate()
    start_year = (today - dt.timedelta(days=days)).year
    calendars = _calendars(list(range(start_year, today.year + 1)))
    teams = {t.name: t for t in Team.objects.filter(department__name="Customer Care")}
    existing = set(ServiceStandard.objects.values_list("name", flat=True))
    new = [
        ServiceStandard(
            name=p.name,
            metric=p.metric,
            threshold_minutes=p.minutes,
            calendar=calendars[p.calendar.name] if p.calendar else None,
            pause_while_pending=p.pause_while_pending,
            channel=p.channel,
            priority=p.priority,
            team=teams.get(p.team) if p.team else None,
            target_percent=p.target,
        )
        for p in STANDARDS
        # A standard of the same name is the organisation's own: keep it, do not add ours.
        if p.name not in existing and (not p.team or p.team in teams)
    ]
    ServiceStandard.objects.bulk_create(new)
    _register(list(new))
    summary = standards.evaluate_many(Interaction.objects.filter(is_generated=True))
    return {
        "calendars": len(calendars),
        "standards": len(new),
        "results": summary.created + summary.updated,
    }
