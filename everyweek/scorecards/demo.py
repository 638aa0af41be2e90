"""Demo data for scorecards: a year of schedule adherence, other departments' key figures,
the default scorecard, and rollups rebuilt from whatever the other generators stored in bulk."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from everyweek.people.models import Department, DepartmentKind, Person, Role
from everyweek.scorecards import rollups, services
from everyweek.scorecards.models import AdherenceDay, AdherenceSource, KeyFigure

# Monthly figures per department kind: (name, unit, typical value, higher is better).
FIGURES: dict[str, tuple[tuple[str, str, float, bool], ...]] = {
    DepartmentKind.SALES: (
        ("Bookings", "EUR", 480_000, True),
        ("Revenue", "EUR", 410_000, True),
        ("New customers", "", 140, True),
    ),
    DepartmentKind.MARKETING: (
        ("Leads", "", 1_900, True),
        ("Cost per lead", "EUR", 38, False),
    ),
}


def _month_starts(today: dt.date, months: int) -> list[dt.date]:
    starts = []
    for back in range(months, 0, -1):
        index = today.year * 12 + today.month - 1 - back
        starts.append(dt.date(index // 12, index % 12 + 1, 1))
    return starts


def generate_scorecards(rng: random.Random, *, days: int = 365) -> dict[str, int]:
    today = timezone.localdate()
    agents = list(
        Person.objects.filter(
            is_generated=True,
            is_active=True,
            role=Role.AGENT,
            department__kind=DepartmentKind.SERVICE,
        ).select_related("team")
    )
    rows = []
    for agent in agents:
        # Each agent has a habit: most days close to it, some days off it.
        habit = min(0.99, max(0.75, rng.gauss(0.91, 0.04)))
        for back in range(days, 0, -1):
            day = today - dt.timedelta(days=back)
            if day.weekday() >= 5 or rng.random() < 0.06:  # weekend, leave or sick day
                continue
            scheduled = rng.choice((480, 480, 480, 360, 240))
            adherent = min(scheduled, round(scheduled * min(1.0, rng.gauss(habit, 0.03))))
            present = round(scheduled * rng.gauss(1.0, 0.03))
            rows.append(
                AdherenceDay(
                    agent=agent,
                    team=agent.team,
                    day=day,
                    scheduled_minutes=scheduled,
                    adherent_minutes=adherent,
                    present_minutes=max(0, present),
                    source=AdherenceSource.NICE_IEX,
                )
            )
    AdherenceDay.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)

    figures = []
    months = _month_starts(today, max(1, days // 30))
    for department in Department.objects.filter(kind__in=list(FIGURES)):
        for name, unit, typical, higher in FIGURES[department.kind]:
            trend = rng.uniform(-0.01, 0.03)
            for i, start in enumerate(months):
                index = start.year * 12 + start.month
                end = dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)
                # Autumn is busy; a gentle trend and some noise on top.
                season = 1.12 if start.month in (10, 11) else 0.9 if start.month == 8 else 1.0
                value = typical * season * (1 + trend) ** i * rng.gauss(1, 0.05)
                figures.append(
                    KeyFigure(
                        department=department,
                        metric=name,
                        period_start=start,
                        period_end=end,
                        value=round(value, 0 if typical > 100 else 2),
                        unit=unit,
                        higher_is_better=higher,
                    )
                )
    KeyFigure.objects.bulk_create(figures, ignore_conflicts=True)
    services.ensure_default_definition()
    # The feedback generator writes in bulk, past the signals: roll everything up once here.
    agent_days = rollups.rebuild()
    return {"adherence_days": len(rows), "key_figures": len(figures), "agent_days": agent_days}
