from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from everyweek.week import services
from everyweek.week.models import Celebration


@pytest.fixture
def week(org: Any) -> Celebration:
    """The 2026 week (Monday 5 to Friday 9 October), organised by Mona."""
    return services.plan_celebration(
        actor=org.ada, year=2026, theme="Making a difference", organisers=[org.mona]
    )


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=dt.UTC)
