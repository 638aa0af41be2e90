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
are evaluated by the standards module afterwards (which then marks the interactions dirty).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from everyweek.feedback.models import Channel, Interaction
from everyweek.people.models import Person
from everyweek.scorecards.models import SUM_FIELDS
from everyweek.scorecards.rollups import Accumulator, Key

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
MAX_ERRORS = 1000


@dataclass
class BulkReport:
    read: int = 0
    inserted: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0

    def error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((line, message))


def _utc(text: str) -> dt.datetime | None:
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"time without a UTC offset: {text}")
    return moment.astimezone(dt.UTC)


def _db_time(moment: dt.datetime | None, sqlite: bool, text: str = "") -> Any:
    if moment is None:
        return None
    if sqlite and len(text) == 25 and text.endswith("+00:00"):
        return f"{text[:10]} {text[11:19]}"  # already UTC: skip converting back and forth
    # Django stores naive UTC text in SQLite; PostgreSQL takes aware datetimes.
    return str(moment.replace(tzinfo=None)) if sqlite else moment


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
    cursor.executemany(AGENT_UPSERT, agent_rows)
    cursor.executemany(
        TEAM_UPSERT,
        [(team, day.isoformat() if sqlite else day, *v) for (team, day), v in teams.items()],
    )


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
    table = Interaction._meta.db_table
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    cursor.executemany(sql, rows)


def _chunks(lines: Iterator[list[str]], size: int) -> Iterator[list[tuple[int, list[str]]]]:
    chunk: list[tuple[int, list[str]]] = []
    for number, row in enumerate(lines, start=2):
        chunk.append((number, row))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest_interactions_csv(
    stream: io.TextIOBase | Any,
    *,
    source: str,
    chunk_size: int = 20_000,
    is_generated: bool = False,
) -> BulkReport:
    reader = csv.reader(stream)
    header = next(reader, None)
    expected = [
        "external_id",
        "agent",
        "created_at",
        "first_response_at",
        "resolved_at",
        "handle_time_seconds",
        "reopen_count",
        "channel",
    ]
    report = BulkReport()
    if header != expected:
        report.error(1, f"expected the columns {', '.join(expected)}")
        return report
    agents = _agents()
    sqlite = connection.vendor == "sqlite"
    tags = "[]"
    for chunk in _chunks(reader, chunk_size):
        report.read += len(chunk)
        acc = Accumulator()
        rows: list[tuple[Any, ...]] = []
        keys: list[tuple[Key, int | None, int]] = []
        seen: set[str] = set()
        for number, values in chunk:
            try:
                ext, agent_ref, created_s, first_s, resolved_s, handle_s, reopen_s, channel = values
                if not ext or ext in seen:
                    raise ValueError("missing or repeated external_id")
                agent = agents.get(agent_ref)
                if agent_ref and agent is None:
                    raise ValueError(f"no person with the employee id {agent_ref}")
                created = _utc(created_s)
                if created is None:
                    raise ValueError("created_at is missing")
                first = _utc(first_s)
                resolved = _utc(resolved_s)
                handle = int(handle_s) if handle_s else None
                reopens = int(reopen_s) if reopen_s else 0
                if (handle is not None and handle < 0) or reopens < 0:
                    raise ValueError("negative number")
                if channel not in CHANNELS:
                    raise ValueError(f"unknown channel {channel}")
            except ValueError as exc:
                report.error(number, str(exc))
                continue
            seen.add(ext)
            agent_id, team_id = agent if agent else (None, None)
            rows.append(
                (
                    source,
                    ext,
                    channel,
                    "",
                    agent_id,
                    team_id,
                    "normal",
                    "solved" if resolved else "open",
                    _db_time(created, sqlite, created_s),
                    _db_time(first, sqlite, first_s),
                    _db_time(resolved, sqlite, resolved_s),
                    handle,
                    0,
                    reopens,
                    0,
                    tags,
                    is_generated,
                )
            )
            keys.append(((agent_id, team_id, created.date()), handle, reopens))
        with transaction.atomic(), connection.cursor() as cursor:
            present = _existing(cursor, source, [r[1] for r in rows]) if rows else set()
            if present:
                report.skipped += len(present)
                fresh = [i for i, r in enumerate(rows) if r[1] not in present]
                rows = [rows[i] for i in fresh]
                keys = [keys[i] for i in fresh]
            for key, handle, reopens in keys:
                acc.add_interaction(key, handle, reopens)
            if rows:
                _insert(cursor, rows)
                upsert_rollups(acc, cursor)
            report.inserted += len(rows)
    return report
