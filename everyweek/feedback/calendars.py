"""Business hours: how many minutes a service organisation was open between two instants.

A `BusinessCalendar` stores opening hours per weekday in its own time zone, e.g.

    {"0": [["09:00", "13:00"], ["14:00", "18:00"]],   # Monday, with a lunch break
     "5": [["22:00", "06:00"]]}                        # Saturday night shift, ends Sunday 06:00

0 is Monday; a missing day is closed; "24:00" closes at midnight; an end at or before the start
is an overnight shift that ends on the next day. A shift belongs to the day it starts: a holiday
closes the shifts that start on it, and the night shift of the evening before still runs into it.

The arithmetic works on intervals, one day at a time: each local day's shifts are turned into
absolute instants once (so a DST change makes a 00:00-06:00 shift last 5 or 7 real hours, as it
did) and cached on the clock, and a span sums its intersections with them. No minute loops.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from everyweek.core import audit
from everyweek.feedback.models import BusinessCalendar, Holiday

DAY_MINUTES = 24 * 60
_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")

# A weekday's shifts as (start, end) minutes after local midnight; end may exceed 1440.
Shifts = tuple[tuple[int, int], ...]


def _minutes(value: Any) -> int:
    match = _TIME.match(str(value).strip())
    if not match:
        raise ValidationError(
            _("%(value)s is not a time of day such as 09:00."), params={"value": value}
        )
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours == 24 and minutes:
        raise ValidationError(
            _("%(value)s is not a time of day such as 09:00."), params={"value": value}
        )
    return hours * 60 + minutes


def parse_weekly_hours(value: Mapping[str, Any] | None) -> dict[int, Shifts]:
    """Validate opening hours and return them as minutes; raises ValidationError with a clear message."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(_("Opening hours must map weekdays (0 = Monday) to lists of shifts."))
    week: dict[int, Shifts] = {}
    for key, shifts in value.items():
        if str(key) not in {str(d) for d in range(7)}:
            raise ValidationError(
                _("%(value)s is not a weekday: use 0 for Monday up to 6 for Sunday."),
                params={"value": key},
            )
        if not isinstance(shifts, list | tuple):
            raise ValidationError(_("The shifts of a day must be a list of [start, end] pairs."))
        parsed: list[tuple[int, int]] = []
        for shift in shifts:
            if not isinstance(shift, list | tuple) or len(shift) != 2:
                raise ValidationError(
                    _('Each shift must be a [start, end] pair such as ["09:00", "17:00"].')
                )
            start, end = _minutes(shift[0]), _minutes(shift[1])
            if start >= DAY_MINUTES:
                raise ValidationError(_("A shift cannot start at 24:00."))
            if end <= start:
                end += DAY_MINUTES  # overnight: ends the next day
            parsed.append((start, end))
        parsed.sort()
        for (_s1, e1), (s2, _e2) in itertools.pairwise(parsed):
            if s2 < e1:
                raise ValidationError(_("Two shifts of the same day overlap."))
        if parsed:
            week[int(key)] = tuple(parsed)
    # A night shift must end before the next day's first shift starts.
    for day, shifts in week.items():
        spill = max(e for _s, e in shifts) - DAY_MINUTES
        following = week.get((day + 1) % 7)
        if spill > 0 and following and following[0][0] < spill:
            raise ValidationError(_("A night shift overlaps the first shift of the next day."))
    return week


def validate_weekly_hours(value: Any) -> None:
    parse_weekly_hours(value)


class Clock(Protocol):
    def seconds_between(self, start: dt.datetime, end: dt.datetime) -> float: ...

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> float: ...

    def add_minutes(self, start: dt.datetime, minutes: float) -> dt.datetime | None: ...


class AroundTheClock:
    """The clock of a standard without a calendar: every minute counts.

    Timestamps, not `end - start`: Python subtracts two datetimes sharing a tzinfo by wall time,
    so a Rome day across the March change would count 24 hours instead of 23.
    """

    def seconds_between(self, start: dt.datetime, end: dt.datetime) -> float:
        return max(end.timestamp() - start.timestamp(), 0.0)

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        return self.seconds_between(start, end) / 60

    def add_minutes(self, start: dt.datetime, minutes: float) -> dt.datetime:
        return start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)


AROUND_THE_CLOCK = AroundTheClock()


class BusinessClock:
    """Opening hours in a time zone, minus holidays. Cheap to query once built; build one per calendar."""

    def __init__(
        self,
        time_zone: str,
        weekly_hours: Mapping[str, Any] | None,
        holidays: Iterable[dt.date] = (),
    ) -> None:
        self.zone = zoneinfo.ZoneInfo(time_zone)
        self.week = parse_weekly_hours(weekly_hours)
        self.holidays = frozenset(holidays)
        self._days: dict[int, tuple[tuple[float, float], ...]] = {}
        # _prefix[i] = open seconds of the days _prefix_base .. _prefix_base + i - 1.
        self._prefix_base = 0
        self._prefix: list[float] = []

    @classmethod
    def for_calendar(
        cls, calendar: BusinessCalendar, holidays: Iterable[dt.date] | None = None
    ) -> BusinessClock:
        if holidays is None:
            holidays = calendar.holidays.values_list("date", flat=True)
        return cls(calendar.time_zone, calendar.weekly_hours, holidays)

    def intervals_on(self, day: dt.date) -> tuple[tuple[float, float], ...]:
        """The shifts that start on local `day`, as (start, end) POSIX timestamps."""
        cached = self._days.get(day.toordinal())
        return cached if cached is not None else self._build(day.toordinal())

    def _build(self, ordinal: int) -> tuple[tuple[float, float], ...]:
        day = dt.date.fromordinal(ordinal)
        shifts = () if day in self.holidays else self.week.get(day.weekday(), ())
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
        # Adding a timedelta to an aware datetime is wall-clock arithmetic in zoneinfo, and
        # .timestamp() then applies the offset in force at that wall time: DST is handled here.
        result = tuple(
            (
                (midnight + dt.timedelta(minutes=start)).timestamp(),
                (midnight + dt.timedelta(minutes=end)).timestamp(),
            )
            for start, end in shifts
        )
        self._days[ordinal] = result
        return result

    def _local_ordinal(self, timestamp: float) -> int:
        return dt.datetime.fromtimestamp(timestamp, self.zone).toordinal()

    def _clipped(self, ordinal: int, s: float, e: float) -> float:
        intervals = self._days.get(ordinal)
        if intervals is None:
            intervals = self._build(ordinal)
        total = 0.0
        for a, b in intervals:
            if b <= s or a >= e:
                continue
            total += (b if b < e else e) - (a if a > s else s)
        return total

    def _open_seconds(self, first: int, last: int) -> float:
        """Open seconds of the days first..last (inclusive), from lazily built prefix sums."""
        if not self._prefix or first < self._prefix_base:
            # (Re)start a year before: later calls in the same region reuse the sums.
            self._prefix_base = first - 366
            self._prefix = [0.0]
        prefix = self._prefix
        while self._prefix_base + len(prefix) - 1 <= last:
            ordinal = self._prefix_base + len(prefix) - 1
            intervals = self._days.get(ordinal)
            if intervals is None:
                intervals = self._build(ordinal)
            prefix.append(prefix[-1] + sum(b - a for a, b in intervals))
        return prefix[last - self._prefix_base + 1] - prefix[first - self._prefix_base]

    def seconds_between(self, start: dt.datetime, end: dt.datetime) -> float:
        s, e = start.timestamp(), end.timestamp()
        if e <= s or not self.week:
            return 0.0
        # From the day before (its night shift may run into `start`) to the day `end` falls on.
        first, last = self._local_ordinal(s) - 1, self._local_ordinal(e)
        if last - first < 5:
            return sum(self._clipped(ordinal, s, e) for ordinal in range(first, last + 1))
        # A shift ends at most a day after the day it starts on, so the shifts of the days from
        # first + 2 to last - 2 lie wholly inside the span: their sums need no clipping.
        edges = (first, first + 1, last - 1, last)
        return sum(self._clipped(o, s, e) for o in edges) + self._open_seconds(first + 2, last - 2)

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        return self.seconds_between(start, end) / 60

    def add_minutes(self, start: dt.datetime, minutes: float) -> dt.datetime | None:
        """The instant when `minutes` business minutes have passed since `start`.

        None when the calendar is never open (no shifts), so a deadline cannot be given.
        """
        if not self.week:
            return None
        if minutes <= 0:
            return start.astimezone(dt.UTC)
        remaining = minutes * 60
        s = start.timestamp()
        ordinal = self._local_ordinal(s) - 1
        closed_days = 0
        # Give up after a year and a bit without an open minute (holidays on every open day).
        while closed_days < 370:
            open_today = False
            for a, b in self.intervals_on(dt.date.fromordinal(ordinal)):
                if b <= s:
                    continue
                open_today = True
                opened = max(a, s)
                # A microsecond of slack, so float sums that end exactly at a closing time
                # are not carried over to the next shift.
                if remaining <= b - opened + 1e-6:
                    return dt.datetime.fromtimestamp(min(opened + remaining, b), dt.UTC)
                remaining -= b - opened
            closed_days = 0 if open_today else closed_days + 1
            ordinal += 1
        return None


def clocks_for(calendars: Iterable[BusinessCalendar]) -> dict[int, BusinessClock]:
    """Clocks for several calendars, loading their holidays in one query."""
    by_id = {c.pk: c for c in calendars}
    holidays: dict[int, list[dt.date]] = {pk: [] for pk in by_id}
    for calendar_id, date in Holiday.objects.filter(calendar_id__in=by_id).values_list(
        "calendar_id", "date"
    ):
        holidays[calendar_id].append(date)
    return {pk: BusinessClock.for_calendar(c, holidays[pk]) for pk, c in by_id.items()}


def clock_for(calendar: BusinessCalendar | None) -> Clock:
    if calendar is None:
        return AROUND_THE_CLOCK
    return BusinessClock.for_calendar(calendar)


WEEKDAYS_NINE_TO_FIVE = {str(d): [["09:00", "17:00"]] for d in range(5)}


@transaction.atomic
def create_calendar(
    name: str,
    *,
    time_zone: str = "UTC",
    weekly_hours: Mapping[str, Any] | None = None,
    country: str = "",
    actor: Any = None,
) -> BusinessCalendar:
    """A new calendar, Monday to Friday 09:00-17:00 unless told otherwise; validated first."""
    calendar = BusinessCalendar(
        name=name,
        time_zone=time_zone,
        country=country.upper(),
        weekly_hours=dict(weekly_hours if weekly_hours is not None else WEEKDAYS_NINE_TO_FIVE),
    )
    calendar.full_clean()
    validate_weekly_hours(calendar.weekly_hours)
    calendar.save()
    audit.record(actor, "calendar.create", calendar, {"time_zone": time_zone})
    return calendar


class HolidayError(ValueError):
    """A country or year the holiday data does not cover, with a message for the person asking."""


@dataclass(frozen=True)
class HolidayLoad:
    created: int
    kept: int


def public_holidays(
    country: str, years: Iterable[int], subdiv: str | None = None, language: str | None = None
) -> dict[dt.date, str]:
    """Public holidays from the `holidays` package (its data ships with it: no network)."""
    import holidays as holiday_data

    country = country.upper()
    if country not in holiday_data.list_supported_countries():
        raise HolidayError(
            _("There is no holiday data for the country %(country)s.") % {"country": country}
        )
    try:
        calendar = holiday_data.country_holidays(
            country, subdiv=subdiv or None, years=list(years), language=language
        )
    except NotImplementedError as exc:  # unknown subdivision
        raise HolidayError(str(exc)) from exc
    # Names in the country's own language unless asked otherwise.
    if language is None:
        default = getattr(type(calendar), "default_language", None)
        if default:
            calendar = holiday_data.country_holidays(
                country, subdiv=subdiv or None, years=list(years), language=default
            )
    return dict(sorted(calendar.items()))


@transaction.atomic
def load_holidays(
    calendar: BusinessCalendar,
    country: str,
    years: Iterable[int],
    *,
    subdiv: str | None = None,
    language: str | None = None,
    actor: Any = None,
) -> HolidayLoad:
    """Add a country's public holidays to a calendar. Existing dates are kept as admins edited them."""
    years = sorted(set(years))
    found = public_holidays(country, years, subdiv=subdiv, language=language)
    existing = set(calendar.holidays.values_list("date", flat=True))
    new = [
        Holiday(calendar=calendar, date=date, name=name[:120])
        for date, name in found.items()
        if date not in existing
    ]
    Holiday.objects.bulk_create(new)
    if not calendar.country:
        calendar.country = country.upper()
        calendar.save(update_fields=["country"])
    audit.record(
        actor,
        "calendar.load_holidays",
        calendar,
        {"country": country.upper(), "subdiv": subdiv or "", "years": years, "created": len(new)},
    )
    return HolidayLoad(created=len(new), kept=len(found) - len(new))
