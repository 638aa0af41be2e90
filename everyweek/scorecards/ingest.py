"""Workforce-management adherence exports and other departments' key figures, parsed to rows.

Three adherence formats, all ending up as minutes per agent and day:

- generic CSV: ``agent, date, scheduled_minutes, adherent_minutes, present_minutes``
  (``non_adherent_minutes`` accepted instead of ``adherent_minutes``);
- NICE IEX ``agentAdherenceSummary_mmddyy_hhmm.txt``: pipe-delimited, an optional ``#fields``
  header naming the columns (without it the default order in ``IEX_DEFAULT_FIELDS``), dates as
  ``mmddyyyy`` unless ISO; agents matched on ``logonID`` or ``tvID``;
- a Genesys-style adherence CSV: ``Agent ID``/``Email``, ``Date``, ``Scheduled``, ``Exception``
  (adherence = 1 - exception ÷ scheduled) and ``Actual``/``Conformance %``; durations as minutes
  or ``H:MM[:SS]``.

Agents are matched on their employee id or email. Each parser yields `Parsed` rows or
`RowError`s with the line number, so a bad line never stops the good ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from everyweek.people.models import Department, Person

IEX_DEFAULT_FIELDS = (
    "date",
    "TZ",
    "custID",
    "muID",
    "tvID",
    "acdID",
    "logonID",
    "agentName",
    "schedMin",
    "inAdhMin",
    "outAdhMin",
    "actualMin",
)
# Column names seen in IEX and CXone exports (compared case-insensitively).
IEX_SCHEDULED = ("schedmin", "schedtime", "totalsched", "scheduled", "scheduledtime")
IEX_ADHERENT = ("inadhmin", "inadhtime", "inadherence", "minin", "inadherencemin")
IEX_OUT = ("outadhmin", "outadhtime", "outadherence", "minout", "outofadherencemin")
IEX_PRESENT = ("actualmin", "actualtime", "conformtime", "conformance", "loggedin")


@dataclass(frozen=True)
class AdherenceRow:
    line: int
    agent_ref: str
    day: dt.date
    scheduled: int
    adherent: int
    present: int


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


Parsed = AdherenceRow | RowError


def minutes(value: str) -> int:
    """Minutes from ``90``, ``90.5``, ``1:30`` or ``1:30:00``."""
    text = value.strip()
    if not text:
        raise ValueError(_("A duration is missing."))
    if ":" in text:
        parts = [int(p) for p in text.split(":")]
        if len(parts) == 2:
            return parts[0] * 60 + parts[1]
        if len(parts) == 3:
            return parts[0] * 60 + parts[1] + round(parts[2] / 60)
        raise ValueError(_("“%(value)s” is not a duration.") % {"value": value})
    number = float(text)
    if number < 0:
        raise ValueError(_("A duration cannot be negative."))
    return round(number)


def parse_day(value: str) -> dt.date:
    text = value.strip()
    if "-" in text:
        return dt.date.fromisoformat(text[:10])
    digits = text.replace("/", "")
    if "/" in text:
        month, day, year = (int(p) for p in text.split("/"))
        return dt.date(year if year > 99 else 2000 + year, month, day)
    if len(digits) == 8:  # mmddyyyy, the IEX default
        return dt.date(int(digits[4:]), int(digits[:2]), int(digits[2:4]))
    if len(digits) == 6:  # mmddyy
        return dt.date(2000 + int(digits[4:]), int(digits[:2]), int(digits[2:4]))
    raise ValueError(_("“%(value)s” is not a date.") % {"value": value})


def _check(line: int, ref: str, day: dt.date, sched: int, adh: int, present: int) -> Parsed:
    if not ref:
        return RowError(line, _("The agent is missing."))
    if adh > sched:
        return RowError(line, _("Adherent minutes exceed scheduled minutes."))
    return AdherenceRow(line, ref, day, sched, adh, present)


def _pick(row: dict[str, str], names: Iterable[str]) -> str | None:
    for name in names:
        if name in row and row[name].strip():
            return row[name]
    return None


def parse_generic(text: str) -> Iterator[Parsed]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in raw.items()}
        try:
            sched = minutes(row.get("scheduled_minutes", ""))
            adherent = _pick(row, ["adherent_minutes"])
            if adherent is None:
                adh = sched - minutes(row.get("non_adherent_minutes", ""))
            else:
                adh = minutes(adherent)
            yield _check(
                number,
                row.get("agent", "").strip(),
                parse_day(row.get("date", "")),
                sched,
                adh,
                minutes(row.get("present_minutes", "")),
            )
        except ValueError as exc:
            yield RowError(number, str(exc))


def parse_iex(text: str) -> Iterator[Parsed]:
    fields = [f.lower() for f in IEX_DEFAULT_FIELDS]
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#fields"):
            header = line[len("#fields") :].lstrip(":= \t")
            fields = [f.strip().lower() for f in header.split("|")]
            continue
        if line.startswith("#"):
            continue
        values = line.split("|")
        if len(values) != len(fields):
            yield RowError(
                number,
                _("Expected %(expected)d fields, found %(found)d.")
                % {"expected": len(fields), "found": len(values)},
            )
            continue
        row = dict(zip(fields, values, strict=True))
        try:
            sched = minutes(_pick(row, IEX_SCHEDULED) or "")
            adherent = _pick(row, IEX_ADHERENT)
            adh = (
                minutes(adherent)
                if adherent is not None
                else sched - minutes(_pick(row, IEX_OUT) or "")
            )
            ref = (_pick(row, ["logonid", "tvid", "agent"]) or "").strip()
            yield _check(
                number,
                ref,
                parse_day(row.get("date", "")),
                sched,
                adh,
                minutes(_pick(row, IEX_PRESENT) or ""),
            )
        except ValueError as exc:
            yield RowError(number, str(exc))


def parse_genesys(text: str) -> Iterator[Parsed]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in raw.items()}
        try:
            sched = minutes(_pick(row, ["scheduled", "scheduled time", "scheduled (min)"]) or "")
            exception = _pick(row, ["exception", "exception time", "exceptions (min)"])
            adh = sched - (minutes(exception) if exception else 0)
            actual = _pick(row, ["actual", "actual time", "actual (min)"])
            if actual is not None:
                present = minutes(actual)
            else:
                percent = _pick(row, ["conformance %", "conformance"]) or ""
                present = round(sched * float(percent.strip().rstrip("%")) / 100)
            ref = (_pick(row, ["agent id", "user id", "email", "agent"]) or "").strip()
            yield _check(number, ref, parse_day(row.get("date", "")), sched, adh, present)
        except ValueError as exc:
            yield RowError(number, str(exc))


PARSERS = {"generic": parse_generic, "nice_iex": parse_iex, "genesys": parse_genesys}


def detect_format(filename: str, text: str) -> str:
    name = filename.lower()
    if name.startswith("agentadherencesummary") or text.lstrip().startswith("#fields"):
        return "nice_iex"
    head = text.split("\n", 1)[0].lower()
    if "|" in head:
        return "nice_iex"
    if "exception" in head or "conformance" in head:
        return "genesys"
    return "generic"


def agent_index(refs: Iterable[str]) -> dict[str, Person]:
    """People by employee id and by lower-cased email, in two queries."""
    wanted = {r for r in refs if r}
    found: dict[str, Person] = {}
    people = Person.objects.filter(employee_id__in=wanted).select_related("team")
    for person in people:
        found[person.employee_id] = person
    emails = {r.lower() for r in wanted if "@" in r}
    for person in Person.objects.filter(email__in=emails).select_related("team"):
        found[person.email.lower()] = person
    return found


def resolve(index: dict[str, Person], ref: str) -> Person | None:
    return index.get(ref) or index.get(ref.lower())


@dataclass(frozen=True)
class KeyFigureRow:
    line: int
    department: Department
    metric: str
    start: dt.date
    end: dt.date
    value: float
    unit: str


def parse_key_figures(text: str) -> Iterator[KeyFigureRow | RowError]:
    """CSV ``department, metric, period_start, period_end, value[, unit]``."""
    departments = {d.name.lower(): d for d in Department.objects.all()}
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        department = departments.get(row.get("department", "").lower())
        if department is None:
            yield RowError(
                number,
                _("Unknown department “%(name)s”.") % {"name": row.get("department", "")},
            )
            continue
        try:
            start = dt.date.fromisoformat(row.get("period_start", ""))
            end = dt.date.fromisoformat(row.get("period_end", ""))
            value = float(row.get("value", ""))
        except ValueError as exc:
            yield RowError(number, str(exc))
            continue
        if end < start or not row.get("metric"):
            yield RowError(
                number, _("A figure needs a name and a period that ends after it starts.")
            )
            continue
        yield KeyFigureRow(
            number, department, row["metric"], start, end, value, row.get("unit", "")
        )
