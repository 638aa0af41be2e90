"""Bulk ingest of interactions from CSV, validated and rolled up, at database speed.

The fast path for millions of rows (and the explicit bulk entry point other importers can use):
the file is streamed in chunks; each chunk is validated, its new rows are inserted with one
`executemany` (SQLite) or `COPY` (PostgreSQL), and its rollup sums are upserted into
`AgentDay`/`TeamDay` in the same transaction. An interrupted import therefore leaves whole
chunks, each with its rollups; running it again skips the rows already stored (keyed on
source and external id), so nothing is counted twice.

CSV columns: ``external_id, agent, created_at, first_response_at, resolved_at,
handle_time_seconds, reopen_count, channel`` (agent = employee id; times ISO 8601 with offset).
Rows already stored are left as they are: corrections go through `record_interaction`, or
call `rollups.mark_interactions_dirty()` after changing rows in bulk. Service-standard results
are evaluated by the standards module afterwards (which then marks the interactions dirty):
`everyweek.scorecards.services.ingest_interactions` does both for a user's file (audit event,
then `standards.evaluate_many` over the new rows); the CLI command, the upload page and the API
call it. Row errors are translated (`gettext`) when the report entry is built, which only bad
rows pay for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext, gettext_noop

from everyweek.feedback.models import Channel, Interaction
from everyweek.people.models import Person
from everyweek.scorecards.models import HANDLE_TIME_EDGES, SUM_FIELDS
from everyweek.scorecards.rollups import Accumulator

COLUMNS = (
    "source",
    "external_id",
    "channel",
    "subject",
    "agent_id",
    "team_id",
    "priority",
    "status",
    "created_at",
    "first_response_at",
    "resolved_at",
    "handle_time_seconds",
    "pending_seconds",
    "reopen_count",
    "reply_count",
    "tags",
    "is_generated",
)
CHANNELS = frozenset(Channel.values)
T = TypeVar("T")
MAX_ERRORS = 1000
CHUNK_SIZE = 50_000


@dataclass
class BulkReport:
    read: int = 0
    inserted: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    bad_header: bool = False
    # Set once a chunk collided with stored rows: later chunks check for existing ids first.
    checked: bool = False

    def error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((line, message))


class RowError(ValueError):
    """A bad row: an untranslated message (marked with `gettext_noop`) and its values.

    Translated by `reason()` only when the report entry is built, so a good row costs nothing.
    """

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.message % self.params


def _utc(text: str) -> dt.datetime | None:
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise RowError(gettext_noop("time without a UTC offset: %(value)s"), value=text)
    return moment.astimezone(dt.UTC)


_SEPARATORS = "--T::"
OUT_OF_RANGE = gettext_noop("time out of range once in UTC: %(value)s")
_MAX_EXTERNAL_ID = Interaction._meta.get_field("external_id").max_length or 100


def _time(text: str, sqlite: bool) -> tuple[Any, str]:
    """(value to store, UTC day as ISO text) of an ISO 8601 time with an offset.

    The export form, `YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|±HH:MM)`, is checked and sliced rather
    than parsed when it is already UTC, and built from its integers otherwise; any other form
    goes through `fromisoformat`. Only ASCII digits count (`str.isdigit` also takes
    Arabic-Indic ones), and year 0000 is refused. Raises ValueError for a malformed time, an
    impossible one or one without an offset.
    """
    if not text.isascii():
        raise RowError(
            gettext_noop("time with characters other than ASCII: %(value)s"), value=repr(text)
        )
    n = len(text)
    if n >= 20 and text[4] + text[7] + text[10] + text[13] + text[16] == _SEPARATORS:
        date_s = text[0:4] + text[5:7] + text[8:10]
        clock_s = text[11:13] + text[14:16] + text[17:19]
        end = 19
        fraction = ""
        if text[19] == ".":
            end = 20
            while end < n and end < 26 and text[end].isdigit():
                end += 1
            fraction = text[20:end]
        zone = text[end:]
        if (
            date_s.isdigit()
            and clock_s.isdigit()
            and (fraction.isdigit() or (not fraction and end == 19))
            and (zone == "Z" or (len(zone) == 6 and zone[0] in "+-" and zone[3] == ":"))
        ):
            if date_s[:4] == "0000":
                raise RowError(gettext_noop("year 0000 does not exist: %(value)s"), value=text)
            micro = fraction.ljust(6, "0") if fraction else "000000"
            if zone in ("Z", "+00:00", "-00:00") and (
                "01" <= text[5:7] <= "12"
                and "01" <= text[8:10] <= "31"
                and text[11:13] <= "23"
                and text[14:16] <= "59"
                and text[17:19] <= "59"
            ):
                day = text[:10]
                if text[8:10] > "28":
                    dt.date.fromisoformat(day)  # 30 February raises ValueError
                clock = text[11:19] if micro == "000000" else f"{text[11:19]}.{micro}"
                return (f"{day} {clock}" if sqlite else f"{day} {clock}+00"), day
            if zone != "Z" and zone[1:3].isdigit() and zone[4:6].isdigit():
                try:
                    local = dt.datetime(  # noqa: DTZ001 - the wall clock, shifted to UTC below
                        int(text[0:4]), int(text[5:7]), int(text[8:10]),
                        int(text[11:13]), int(text[14:16]), int(text[17:19]), int(micro),
                    )  # fmt: skip
                    offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
                    if offset >= dt.timedelta(days=1):
                        raise RowError(
                            gettext_noop("UTC offset of a day or more: %(value)s"), value=text
                        )
                    moment = local - offset if zone[0] == "+" else local + offset
                except OverflowError as exc:
                    raise RowError(OUT_OF_RANGE, value=text) from exc
                return (str(moment) if sqlite else f"{moment}+00"), moment.date().isoformat()
    try:
        parsed = _utc(text)
    except OverflowError as exc:
        raise RowError(OUT_OF_RANGE, value=text) from exc
    assert parsed is not None
    # Django stores naive UTC text in SQLite; PostgreSQL takes aware datetimes.
    return (str(parsed.replace(tzinfo=None)) if sqlite else parsed), parsed.date().isoformat()


def _agents() -> dict[str, tuple[int, int | None]]:
    return {
        ref: (pk, team)
        for ref, pk, team in Person.objects.exclude(employee_id="").values_list(
            "employee_id", "pk", "team_id"
        )
    }


def _upsert_sql(table: str, keys: tuple[str, ...], conflict: str) -> str:
    columns = (*keys, *SUM_FIELDS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in SUM_FIELDS)
    values = ", ".join(["%s"] * len(columns))
    # Table and column names are constants of this module; every value is a parameter.
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) "  # noqa: S608
    return insert + f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"


AGENT_UPSERT = _upsert_sql(
    "scorecards_agentday",
    ("agent_id", "team_id", "day"),
    "COALESCE(agent_id, 0), COALESCE(team_id, 0), day",
)
TEAM_UPSERT = _upsert_sql("scorecards_teamday", ("team_id", "day"), "COALESCE(team_id, 0), day")


def upsert_rollups(acc: Accumulator, cursor: Any) -> None:
    """Add an accumulator's sums to the stored rollups (rows must be new to the database)."""
    sqlite = connection.vendor == "sqlite"
    teams: dict[tuple[int | None, dt.date], list[float]] = {}
    agent_rows = []
    for (agent, team, day), values in acc.rows.items():
        agent_rows.append((agent, team, day.isoformat() if sqlite else day, *values))
        total = teams.get((team, day))
        if total is None:
            teams[(team, day)] = list(values)
        else:
            for i, v in enumerate(values):
                total[i] += v
    team_rows = [(team, day.isoformat() if sqlite else day, *v) for (team, day), v in teams.items()]
    if sqlite:
        cursor.executemany(AGENT_UPSERT, agent_rows)
        cursor.executemany(TEAM_UPSERT, team_rows)
        return
    _staged_upsert(cursor, "scorecards_agentday", ("agent_id", "team_id", "day"), agent_rows)
    _staged_upsert(cursor, "scorecards_teamday", ("team_id", "day"), team_rows)


def _staged_upsert(cursor: Any, table: str, keys: tuple[str, ...], rows: list[Any]) -> None:
    """PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT.

    One statement instead of one upsert per (agent, day): the per-statement round trips were
    most of a bulk ingest's time on PostgreSQL.
    """
    if not rows:
        return
    columns = ", ".join((*keys, *SUM_FIELDS))
    conflict = ", ".join(f"COALESCE({k}, 0)" if k.endswith("_id") else k for k in keys)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in SUM_FIELDS)
    stage = f"bulk_stage_{table}"
    # Names are this module's constants; every value travels through COPY.
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "  # noqa: S608
        f"SELECT {columns} FROM {table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {stage}")
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )


def _rollup_from_rows_sql(table: str, keys: tuple[str, ...], source: str, where: str) -> str:
    """One set-based upsert of the rollup sums of the rows in `source` matching `where`.

    The database sums the chunk it has just stored (handle time buckets as in
    `Accumulator.add_interaction`) instead of Python summing it and sending one wide row per
    agent-day back: with ~1.4 interactions per agent-day that was nearly a second row stream.
    """
    sqlite = connection.vendor == "sqlite"
    day = "substr(created_at, 1, 10)" if sqlite else "(created_at AT TIME ZONE 'UTC')::date"
    edges = (None, *HANDLE_TIME_EDGES, None)
    buckets = []
    for low, high in pairwise(edges):
        test = " AND ".join(
            ([f"h >= {low}"] if low is not None else ["h IS NOT NULL"])
            + ([f"h < {high}"] if high is not None else [])
        )
        buckets.append(f"SUM(CASE WHEN {test} THEN 1 ELSE 0 END)")
    sums = {
        "interactions": "COUNT(*)",
        "handle_count": "COUNT(h)",
        "handle_seconds": "COALESCE(SUM(h), 0)",
        "reopens": "SUM(reopen_count)",
        "reopened": "SUM(CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END)",
        **{f"h{i:02d}": sql for i, sql in enumerate(buckets)},
    }
    selected = [*keys, *(sums.get(c, "0") for c in SUM_FIELDS)]
    key_sql = [k if k != "day" else day for k in keys]
    columns = ", ".join((*keys, *SUM_FIELDS))
    conflict = ", ".join(f"COALESCE({k}, 0)" if k.endswith("_id") else k for k in keys)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in SUM_FIELDS)
    inner = ", ".join(f"{k} AS {n}" for k, n in zip(key_sql, keys, strict=True))
    # Names and expressions are this module's constants; `where` takes parameters.
    return (
        f"INSERT INTO {table} ({columns}) SELECT {', '.join(selected)} FROM "  # noqa: S608
        f"(SELECT {inner}, handle_time_seconds AS h, reopen_count FROM {source} WHERE {where}) r "
        f"GROUP BY {', '.join(keys)} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )


STAGE = "bulk_stage_interaction"


def _rollup_stored(cursor: Any, source_table: str, where: str, params: list[Any]) -> None:
    for table, keys in (
        ("scorecards_agentday", ("agent_id", "team_id", "day")),
        ("scorecards_teamday", ("team_id", "day")),
    ):
        cursor.execute(_rollup_from_rows_sql(table, keys, source_table, where), params)


def _existing(cursor: Any, source: str, ids: list[str]) -> set[str]:
    # Raw SQL: building a 5,000-item IN through the ORM costs more than running it.
    found: set[str] = set()
    table = Interaction._meta.db_table
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        marks = ", ".join(["%s"] * len(part))
        sql = f"SELECT external_id FROM {table} WHERE source = %s AND external_id IN ({marks})"  # noqa: S608
        cursor.execute(sql, [source, *part])
        found.update(row[0] for row in cursor.fetchall())
    return found


def _insert(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    """Insert the rows; on PostgreSQL through the session's staging table, kept for the rollup.

    PostgreSQL: `COPY` into an unindexed temporary table (no WAL), then one `INSERT … SELECT`
    into the real one, so the rollups can be summed from the stage without telling this
    chunk's rows apart from a concurrent import's.
    """
    table = Interaction._meta.db_table
    columns = ", ".join(COLUMNS)
    if connection.vendor == "postgresql":
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {STAGE}")
        # The driver's errors (a unique violation) as Django's, like every other query.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGE}")  # noqa: S608
        return
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    cursor.executemany(sql, rows)


def chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


EXPECTED = [
    "external_id",
    "agent",
    "created_at",
    "first_response_at",
    "resolved_at",
    "handle_time_seconds",
    "reopen_count",
    "channel",
]


HEADER_ERROR = gettext_noop("expected the columns %(columns)s")
TIME_COLUMNS = (2, 3, 4)
NUMBER_COLUMNS = (5, 6)


def reason(exc: ValueError, values: list[str]) -> str:
    """The translated reason a row was refused; only bad rows get here.

    Python's own ValueErrors (a wrong field count, `int()`, `fromisoformat`) carry English text,
    so the row is looked at again to say which column is wrong.
    """
    if len(values) != len(EXPECTED):
        return gettext("expected %(expected)s columns, found %(found)s") % {
            "expected": len(EXPECTED),
            "found": len(values),
        }
    if isinstance(exc, RowError):
        return gettext(exc.message) % exc.params
    for i in NUMBER_COLUMNS:
        text = values[i]
        if text and not (text.isascii() and text.lstrip("-").isdigit()):
            return gettext("%(column)s is not a whole number: %(value)s") % {
                "column": EXPECTED[i],
                "value": text,
            }
    for i in TIME_COLUMNS:
        if values[i]:
            try:
                _time(values[i], True)
            except ValueError:
                return gettext("%(column)s is not a valid time: %(value)s") % {
                    "column": EXPECTED[i],
                    "value": values[i],
                }
    return gettext("invalid row: %(error)s") % {"error": exc}


def ingest_interactions_csv(
    stream: io.TextIOBase | Any,
    *,
    source: str,
    chunk_size: int = CHUNK_SIZE,
    is_generated: bool = False,
    on_chunk: Callable[[BulkReport, int], None] | None = None,
) -> BulkReport:
    """Stream the CSV into interactions and rollups, one transaction per chunk.

    The existence check that makes a re-run idempotent is skipped while the source has no
    rows yet (a first import); if a chunk then collides with stored rows after all (a
    repeated id further down the file, a concurrent import), that chunk is rolled back to its
    savepoint and inserted again with the check. `on_chunk(report, first_error)` runs after
    each chunk; `report.errors[first_error:]` are that chunk's problems (up to MAX_ERRORS).
    """
    reader = csv.reader(stream)
    header = next(reader, None)
    report = BulkReport()
    if header != EXPECTED:
        report.bad_header = True
        report.error(1, gettext(HEADER_ERROR) % {"columns": ", ".join(EXPECTED)})
        return report
    agents = _agents()
    sqlite = connection.vendor == "sqlite"
    check = Interaction.objects.filter(source=source).exists()
    tags = "[]"
    channels = CHANNELS
    max_ext = _MAX_EXTERNAL_ID
    number = 1
    for chunk in chunks(reader, chunk_size):
        first_error = len(report.errors)
        report.read += len(chunk)
        rows: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for values in chunk:
            number += 1
            try:
                ext, agent_ref, created_s, first_s, resolved_s, handle_s, reopen_s, channel = values
                if not ext or ext in seen:
                    raise RowError(gettext_noop("missing or repeated external_id"))
                if len(ext) > max_ext:
                    raise RowError(
                        gettext_noop("external_id longer than %(max)s characters"), max=max_ext
                    )
                if "\x00" in ext:
                    raise RowError(gettext_noop("external_id contains a NUL character"))
                if agent_ref:
                    agent = agents.get(agent_ref)
                    if agent is None:
                        raise RowError(
                            gettext_noop("no person with the employee id %(ref)s"), ref=agent_ref
                        )
                    agent_id: int | None = agent[0]
                    team_id: int | None = agent[1]
                else:
                    agent_id = team_id = None
                if not created_s:
                    raise RowError(gettext_noop("created_at is missing"))
                created = _time(created_s, sqlite)[0]
                first = _time(first_s, sqlite)[0] if first_s else None
                resolved = _time(resolved_s, sqlite)[0] if resolved_s else None
                handle = int(handle_s) if handle_s else -1
                reopens = int(reopen_s) if reopen_s else 0
                if handle < -1 or (handle == -1 and handle_s) or reopens < 0:
                    raise RowError(gettext_noop("negative number"))
                if channel not in channels:
                    raise RowError(gettext_noop("unknown channel %(channel)s"), channel=channel)
            except ValueError as exc:
                report.error(number, reason(exc, values))
                continue
            seen.add(ext)
            rows.append(
                (source, ext, channel, "", agent_id, team_id, "normal",
                 "solved" if resolved else "open", created, first, resolved,
                 None if handle < 0 else handle, 0, reopens, 0, tags, is_generated)
            )  # fmt: skip
        if rows:
            _store(rows, report, source, sqlite, check)
            check = check or report.checked
        if on_chunk is not None:
            on_chunk(report, first_error)
    return report


def _store(
    rows: list[tuple[Any, ...]], report: BulkReport, source: str, sqlite: bool, check: bool
) -> None:
    """One chunk's new rows and their rollups, in one transaction."""
    table = Interaction._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            # The IMMEDIATE transaction holds SQLite's only write lock: every id above
            # this one is a row of this chunk.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            before = cursor.fetchone()[0]
        inserted = False
        if not check:
            try:
                with transaction.atomic():
                    _insert(cursor, rows)
                inserted = True
            except IntegrityError:
                report.checked = True
        if not inserted:
            present = _existing(cursor, source, [r[1] for r in rows])
            if present:
                report.skipped += len(present)
                fresh = [i for i, r in enumerate(rows) if r[1] not in present]
                rows = [rows[i] for i in fresh]
            if rows:
                _insert(cursor, rows)
        if rows:
            if sqlite:
                _rollup_stored(cursor, table, "id > %s", [before])
            else:
                _rollup_stored(cursor, STAGE, "TRUE", [])
        report.inserted += len(rows)
