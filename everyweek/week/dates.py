"""When the week is: computed from a rule, so next year's dates need no typing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings

from everyweek.week.models import DateRule


def first_full_week(
    year: int, month: int = 10, week_starts_on: int = 0, days: int = 5
) -> tuple[dt.date, dt.date]:
    """The first week of `month` that starts on `week_starts_on` inside the month.

    October 2023 -> Monday 2 to Friday 6; October 2024 -> Monday 7 to Friday 11 (the 1st
    was a Tuesday, so the week of the 1st is not a full October week).
    """
    first = dt.date(year, month, 1)
    start = first + dt.timedelta(days=(week_starts_on - first.weekday()) % 7)
    return start, start + dt.timedelta(days=days - 1)


def compute_dates(
    year: int,
    rule: str = DateRule.FIRST_FULL_WEEK,
    *,
    month: int = 10,
    week_starts_on: int = 0,
    days: int = 5,
    fixed_start: dt.date | None = None,
    fixed_end: dt.date | None = None,
) -> tuple[dt.date, dt.date]:
    if rule == DateRule.FIXED:
        if fixed_start is None or fixed_end is None or fixed_end < fixed_start:
            raise ValueError("fixed dates need a start and an end on or after it")
        return fixed_start, fixed_end
    return first_full_week(year, month, week_starts_on, days)


def days_of(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def shift_days(value: dt.datetime, days: int) -> dt.datetime:
    """The same wall-clock time `days` later in the organisation's zone (safe across DST)."""
    zone = local_zone()
    local = value.astimezone(zone)
    moved = dt.datetime.combine(local.date() + dt.timedelta(days=days), local.time(), tzinfo=zone)
    return moved.astimezone(dt.UTC)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time on `day` in the organisation's zone, as UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=local_zone()).astimezone(dt.UTC)
