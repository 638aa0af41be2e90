from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from everyweek.core.models import AuditEvent
from everyweek.feedback.calendars import (
    AROUND_THE_CLOCK,
    BusinessClock,
    HolidayError,
    clocks_for,
    load_holidays,
    parse_weekly_hours,
)
from everyweek.feedback.models import BusinessCalendar, Holiday

ROME = zoneinfo.ZoneInfo("Europe/Rome")
NINE_TO_FIVE = {str(d): [["09:00", "17:00"]] for d in range(5)}
WITH_LUNCH = {str(d): [["09:00", "13:00"], ["14:00", "18:00"]] for d in range(5)}


def rome(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ROME)


def test_weekend_is_not_counted() -> None:
    clock = BusinessClock("Europe/Rome", NINE_TO_FIVE)
    # Friday 2026-03-06 16:00 to Monday 2026-03-09 10:00: one hour on Friday, one on Monday.
    assert clock.minutes_between(rome(2026, 3, 6, 16, 0), rome(2026, 3, 9, 10, 0)) == 120


def test_a_holiday_is_closed() -> None:
    # Easter Monday 2026-04-06 is an Italian holiday: Friday 16:00 -> Tuesday 10:00 is 2 hours.
    clock = BusinessClock("Europe/Rome", NINE_TO_FIVE, [dt.date(2026, 4, 6)])
    assert clock.minutes_between(rome(2026, 4, 3, 16, 0), rome(2026, 4, 7, 10, 0)) == 120
    without = BusinessClock("Europe/Rome", NINE_TO_FIVE)
    assert without.minutes_between(rome(2026, 4, 3, 16, 0), rome(2026, 4, 7, 10, 0)) == 120 + 480


def test_lunch_break_is_not_counted() -> None:
    clock = BusinessClock("Europe/Rome", WITH_LUNCH)
    assert clock.minutes_between(rome(2026, 3, 9, 12, 30), rome(2026, 3, 9, 14, 30)) == 60
    assert clock.minutes_between(rome(2026, 3, 9, 13, 10), rome(2026, 3, 9, 13, 50)) == 0
    assert clock.minutes_between(rome(2026, 3, 9, 0, 0), rome(2026, 3, 10, 0, 0)) == 480


def test_start_and_end_outside_hours_count_only_the_open_time() -> None:
    clock = BusinessClock("Europe/Rome", NINE_TO_FIVE)
    assert clock.minutes_between(rome(2026, 3, 9, 7, 0), rome(2026, 3, 9, 20, 0)) == 480
    assert clock.minutes_between(rome(2026, 3, 9, 20, 0), rome(2026, 3, 10, 7, 0)) == 0
    assert clock.minutes_between(rome(2026, 3, 10, 7, 0), rome(2026, 3, 9, 20, 0)) == 0


def test_overnight_shift_across_both_dst_changes_in_rome() -> None:
    # Saturday 22:00 to Sunday 06:00. On 2026-03-29 clocks go 02:00 -> 03:00 (7 real hours),
    # on 2026-10-25 they go 03:00 -> 02:00 (9 real hours); an ordinary night is 8.
    clock = BusinessClock("Europe/Rome", {"5": [["22:00", "06:00"]]})
    assert clock.minutes_between(rome(2026, 3, 21, 12, 0), rome(2026, 3, 22, 12, 0)) == 8 * 60
    assert clock.minutes_between(rome(2026, 3, 28, 12, 0), rome(2026, 3, 29, 12, 0)) == 7 * 60
    assert clock.minutes_between(rome(2026, 10, 24, 12, 0), rome(2026, 10, 25, 12, 0)) == 9 * 60


def test_business_minutes_across_a_dst_weekend_use_local_opening_hours() -> None:
    clock = BusinessClock("Europe/Rome", NINE_TO_FIVE)
    # Friday 16:00 CET to Monday 10:00 CEST: still one hour each side, though the UTC offset moved.
    start, end = rome(2026, 3, 27, 16, 0), rome(2026, 3, 30, 10, 0)
    assert start.utcoffset() != end.utcoffset()
    assert clock.minutes_between(start, end) == 120
    # Given in UTC, the same instants give the same answer.
    assert clock.minutes_between(start.astimezone(dt.UTC), end.astimezone(dt.UTC)) == 120


def test_the_calendar_time_zone_decides_the_hours_not_the_input_zone() -> None:
    bangkok = BusinessClock("Asia/Bangkok", NINE_TO_FIVE)
    # 09:00-17:00 in Bangkok is 02:00-10:00 UTC (no DST there).
    start = dt.datetime(2026, 3, 9, 0, 0, tzinfo=dt.UTC)
    end = dt.datetime(2026, 3, 9, 3, 0, tzinfo=dt.UTC)
    assert bangkok.minutes_between(start, end) == 60


def test_add_minutes_gives_the_deadline_in_business_time() -> None:
    clock = BusinessClock("Europe/Rome", WITH_LUNCH, [dt.date(2026, 4, 6)])
    # Friday 17:00 + 2 business hours: Friday 17-18, then Tuesday (Monday is a holiday) 09-10.
    deadline = clock.add_minutes(rome(2026, 4, 3, 17, 0), 120)
    assert deadline is not None
    assert deadline.astimezone(ROME) == rome(2026, 4, 7, 10, 0)
    assert BusinessClock("UTC", {}).add_minutes(rome(2026, 4, 3, 17, 0), 60) is None
    assert AROUND_THE_CLOCK.add_minutes(rome(2026, 4, 3, 17, 0), 60) == rome(2026, 4, 3, 18, 0)


def test_closed_calendar_counts_nothing() -> None:
    assert (
        BusinessClock("UTC", {}).minutes_between(rome(2026, 1, 1, 0, 0), rome(2027, 1, 1, 0, 0))
        == 0
    )


def test_around_the_clock_counts_every_minute() -> None:
    assert (
        AROUND_THE_CLOCK.minutes_between(rome(2026, 3, 28, 12, 0), rome(2026, 3, 29, 12, 0))
        == 23 * 60
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"7": [["09:00", "17:00"]]}, "not a weekday"),
        ({"0": [["9am", "17:00"]]}, "not a time of day"),
        ({"0": [["09:00", "24:30"]]}, "not a time of day"),
        ({"0": [["09:00"]]}, "pair"),
        ({"0": [["09:00", "13:00"], ["12:00", "18:00"]]}, "overlap"),
        ({"0": [["22:00", "08:00"]], "1": [["07:00", "12:00"]]}, "night shift"),
        ({"0": "09:00-17:00"}, "list"),
    ],
)
def test_invalid_opening_hours_are_refused_with_a_reason(value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_weekly_hours(value)
    assert message in " ".join(info.value.messages)


def test_opening_hours_accept_midnight_end_and_sunday_night_into_monday() -> None:
    week = parse_weekly_hours({"0": [["18:00", "24:00"]], "6": [["22:00", "02:00"]]})
    assert week == {0: ((18 * 60, 24 * 60),), 6: ((22 * 60, 26 * 60),)}


@pytest.mark.django_db
def test_load_holidays_seeds_italian_public_holidays_once() -> None:
    calendar = BusinessCalendar.objects.create(
        name="Milano", time_zone="Europe/Rome", weekly_hours=NINE_TO_FIVE
    )
    Holiday.objects.create(calendar=calendar, date=dt.date(2026, 12, 25), name="Natale (sede)")
    first = load_holidays(calendar, "it", [2026, 2027])
    again = load_holidays(calendar, "IT", [2026, 2027])
    dates = set(calendar.holidays.values_list("date", flat=True))
    assert {dt.date(2026, 4, 6), dt.date(2026, 6, 2), dt.date(2027, 3, 29)} <= dates
    # What an admin typed is kept; a second load adds nothing.
    assert calendar.holidays.get(date=dt.date(2026, 12, 25)).name == "Natale (sede)"
    assert first.created == len(dates) - 1
    assert again.created == 0
    calendar.refresh_from_db()
    assert calendar.country == "IT"
    assert AuditEvent.objects.filter(action="calendar.load_holidays").count() == 2
    # Names come in the country's own language.
    assert calendar.holidays.get(date=dt.date(2026, 6, 2)).name == "Festa della Repubblica"


@pytest.mark.django_db
def test_load_holidays_command_creates_the_calendar_and_refuses_unknown_countries() -> None:
    call_command(
        "load_holidays",
        "--calendar",
        "Roma",
        "--country",
        "IT",
        "--years",
        "2026",
        "2027",
        "--create",
        "--time-zone",
        "Europe/Rome",
    )
    calendar = BusinessCalendar.objects.get(name="Roma")
    assert calendar.time_zone == "Europe/Rome"
    assert calendar.holidays.filter(date__year=2027).exists()
    with pytest.raises(CommandError, match="no holiday data"):
        call_command("load_holidays", "--calendar", "Roma", "--country", "XX", "--years", "2026")
    with pytest.raises(CommandError, match="no business calendar"):
        call_command("load_holidays", "--calendar", "Nowhere", "--years", "2026")
    with pytest.raises(HolidayError):
        load_holidays(calendar, "ZZ", [2026])


@pytest.mark.django_db
def test_clocks_for_several_calendars_load_their_own_holidays() -> None:
    rome_cal = BusinessCalendar.objects.create(
        name="Rome", time_zone="Europe/Rome", weekly_hours=NINE_TO_FIVE
    )
    berlin = BusinessCalendar.objects.create(
        name="Berlin", time_zone="Europe/Berlin", weekly_hours=NINE_TO_FIVE
    )
    Holiday.objects.create(
        calendar=rome_cal, date=dt.date(2026, 6, 2), name="Festa della Repubblica"
    )
    clocks = clocks_for([rome_cal, berlin])
    tuesday = (rome(2026, 6, 2, 0, 0), rome(2026, 6, 3, 0, 0))
    assert clocks[rome_cal.pk].minutes_between(*tuesday) == 0
    assert clocks[berlin.pk].minutes_between(*tuesday) == 480


def _minute_by_minute(clock: BusinessClock, start: dt.datetime, end: dt.datetime) -> float:
    """The obvious, slow answer: add up the shifts one day at a time, no shortcuts."""
    s, e = start.timestamp(), end.timestamp()
    first = dt.datetime.fromtimestamp(s, clock.zone).date() - dt.timedelta(days=1)
    last = dt.datetime.fromtimestamp(e, clock.zone).date()
    total = 0.0
    day = first
    while day <= last:
        for a, b in clock.intervals_on(day):
            total += max(0.0, min(b, e) - max(a, s))
        day += dt.timedelta(days=1)
    return total / 60


SPLIT_AND_NIGHTS = {
    **WITH_LUNCH,
    "4": [["09:00", "13:00"], ["22:00", "02:30"]],
    "5": [["03:00", "06:00"], ["22:00", "06:00"]],
}


@settings(max_examples=100, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
        lambda d: d.replace(tzinfo=dt.UTC)
    ),
    minutes=st.integers(min_value=0, max_value=400 * 24 * 60),
)
def test_long_spans_agree_with_adding_up_every_day(start: dt.datetime, minutes: int) -> None:
    clock = BusinessClock(
        "Europe/Rome", SPLIT_AND_NIGHTS, [dt.date(2026, 4, 6), dt.date(2026, 12, 25)]
    )
    end = start + dt.timedelta(minutes=minutes)
    assert clock.minutes_between(start, end) == pytest.approx(_minute_by_minute(clock, start, end))
    # Going the other way: the deadline of that many business minutes is reached by `end`.
    spent = clock.minutes_between(start, end)
    deadline = clock.add_minutes(start, spent)
    assert deadline is not None and deadline <= end
    assert clock.minutes_between(start, deadline) == pytest.approx(spent)
