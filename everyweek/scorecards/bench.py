"""`everyweek bench scorecards`: generate data, time the bulk ingest and the organisation scorecard.

Compared, in the same run and on the same machine:

- ingest of N interactions from CSV (validated, inserted, rolled up) against a bare
  `sqlite3.executemany` of the same rows into a table of the same shape (columns, indexes,
  foreign keys) in the same database, run first and then dropped and checkpointed (on
  PostgreSQL: against a bare `COPY` into such a table);
- generated survey responses (a tenth of the interactions by default) stored in bulk and
  added to the rollups, so the scorecard reads NPS and CSAT over the target's volume;
- the server time of the organisation scorecard page (median of several requests) against
  DuckDB answering the same questions (the month per team, the 12-month trend) by scanning
  the raw rows, loaded into its own in-memory table beforehand (when duckdb is installed).

It writes to the configured database: point SQLITE_PATH or DATABASE_URL at a scratch one.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from everyweek.feedback.models import Interaction, SurveyResponse
from everyweek.people.models import Department, DepartmentKind, Person, Role, Team
from everyweek.scorecards import bulk, rollups, services
from everyweek.scorecards.models import KeyFigure

TEAM_SIZE = 20
CHANNELS = ("email", "phone", "chat", "web")


def setup_org(agents: int) -> tuple[Person, list[str]]:
    service, _c = Department.objects.get_or_create(
        name="Bench service", defaults={"kind": DepartmentKind.SERVICE}
    )
    sales, _c = Department.objects.get_or_create(
        name="Bench sales", defaults={"kind": DepartmentKind.SALES}
    )
    existing = set(
        Person.objects.filter(employee_id__startswith="BENCH-").values_list(
            "employee_id", flat=True
        )
    )
    teams: dict[int, Team] = {}
    new: list[Person] = []
    for i in range(agents):
        ref = f"BENCH-{i}"
        if ref in existing:
            continue
        index = i // TEAM_SIZE
        if index not in teams:
            teams[index], _c = Team.objects.get_or_create(
                name=f"Bench team {index}", department=service
            )
        new.append(
            Person(
                email=f"bench-{i}@bench.invalid",
                full_name=f"Bench Agent {i}",
                role=Role.AGENT,
                department=service,
                team=teams[index],
                employee_id=ref,
                password="!",  # noqa: S106 - an unusable password: bench people never sign in
            )
        )
    Person.objects.bulk_create(new, batch_size=1000)
    executive, _c = Person.objects.get_or_create(
        email="bench-exec@bench.invalid",
        defaults={"full_name": "Bench Executive", "role": Role.EXECUTIVE, "password": "!"},
    )
    services.ensure_default_definition()
    today = timezone.localdate()
    for back in range(12):
        index = today.year * 12 + today.month - 1 - back
        start = dt.date(index // 12, index % 12 + 1, 1)
        end = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1) - dt.timedelta(days=1)
        for metric, value in (("Bookings", 100_000 + back * 1000), ("Leads", 300 + back)):
            KeyFigure.objects.get_or_create(
                department=sales,
                metric=metric,
                period_start=start,
                period_end=end,
                defaults={"value": value},
            )
    return executive, [f"BENCH-{i}" for i in range(agents)]


def generate_csv(path: Path, interactions: int, refs: list[str], months: int, seed: int) -> None:
    """Rows in time order over the last `months` months, as a helpdesk export would be."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    end = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - dt.timedelta(days=30 * months)
    span = (end - start).total_seconds()
    run = rng.randrange(10**9)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(bulk.EXPECTED)
        step = span / interactions
        for n in range(interactions):
            created = start + dt.timedelta(seconds=n * step)
            first = created + dt.timedelta(seconds=rng.randrange(60, 7200))
            resolved = first + dt.timedelta(seconds=rng.randrange(300, 86400))
            writer.writerow(
                [
                    f"{run}-{n}",
                    refs[rng.randrange(len(refs))],
                    created.isoformat(),
                    first.isoformat(),
                    resolved.isoformat(),
                    int(rng.lognormvariate(6, 0.7)),
                    1 if rng.random() < 0.06 else 0,
                    CHANNELS[n % 4],
                ]
            )


def _tuples(
    path: Path, agents: dict[str, tuple[int, int | None]], size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """The same rows the ingest writes, prepared outside the timed part of the bare baseline."""
    sqlite = connection.vendor == "sqlite"
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        chunk: list[tuple[Any, ...]] = []
        for ext, ref, created, first, resolved, handle_s, reopen, channel in reader:
            agent, team = agents[ref]
            times = [
                dt.datetime.fromisoformat(t).astimezone(dt.UTC) for t in (created, first, resolved)
            ]
            stored = [str(t.replace(tzinfo=None)) if sqlite else t for t in times]
            chunk.append(
                ("bare", ext, channel, "", agent, team, "normal", "solved", *stored,
                 int(handle_s), 0, int(reopen), 0, "[]", False)
            )  # fmt: skip
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


BARE = "bench_bare_interaction"


def _bare_sqlite_ddl() -> list[str]:
    """The interaction table's DDL (columns, indexes, foreign keys) renamed for the baseline."""
    table = Interaction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL"
            " ORDER BY type = 'index'",
            [table],
        )
        rows = cursor.fetchall()
    ddl = []
    for kind, name, sql in rows:
        if kind == "table":
            ddl.append(sql.replace(f'CREATE TABLE "{table}"', f'CREATE TABLE "{BARE}"', 1))
        else:
            renamed = sql.replace(f'"{name}"', f'"bare_{name}"', 1)
            ddl.append(renamed.replace(f'ON "{table}"', f'ON "{BARE}"', 1))
    return ddl


def bare_sqlite(path: Path, agents: dict[str, tuple[int, int | None]]) -> float:
    """Seconds spent in a bare `sqlite3` executemany into a table of the same shape.

    Same database file and connection settings as the ingest (WAL, synchronous=NORMAL,
    foreign keys on), same columns, indexes and foreign keys, same chunk per transaction;
    the table is dropped and the WAL checkpointed before the ingest runs.
    """
    ddl = _bare_sqlite_ddl()
    connection.ensure_connection()
    db = connection.connection  # the driver's own connection: no Django in the timed part
    assert db is not None
    for statement in ddl:
        db.execute(statement)
    placeholders = ", ".join(["?"] * len(bulk.COLUMNS))
    sql = f"INSERT INTO {BARE} ({', '.join(bulk.COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    spent = 0.0
    for chunk in _tuples(path, agents, bulk.CHUNK_SIZE):
        begin = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.executemany(sql, chunk)
        db.execute("COMMIT")
        spent += time.perf_counter() - begin
    db.execute(f"DROP TABLE {BARE}")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return spent


def bare_copy(path: Path, agents: dict[str, tuple[int, int | None]]) -> float:
    """Seconds spent in a bare `COPY` into a table of the same shape (PostgreSQL).

    Same columns, defaults, identity, indexes and foreign keys as the real table, one COPY
    and one transaction per chunk of the ingest's size; the table is dropped and a
    CHECKPOINT taken before the ingest, so neither side writes out the other's dirty pages.
    """
    table = Interaction._meta.db_table
    spent = 0.0
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BARE}")
        cursor.execute(f"CREATE TABLE {BARE} (LIKE {table} INCLUDING ALL)")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {BARE} ADD CONSTRAINT bare_{name} {definition}")
        copy_sql = f"COPY {BARE} ({', '.join(bulk.COLUMNS)}) FROM STDIN"
        for chunk in _tuples(path, agents, bulk.CHUNK_SIZE):
            begin = time.perf_counter()
            with transaction.atomic(), cursor.cursor.copy(copy_sql) as copy:
                for row in chunk:
                    copy.write_row(row)
            spent += time.perf_counter() - begin
        cursor.execute(f"DROP TABLE {BARE}")
        cursor.execute("CHECKPOINT")
    return spent


def add_responses(
    count: int, agents: dict[str, tuple[int, int | None]], months: int, seed: int
) -> float:
    """Seconds to store `count` generated responses in bulk and add them to the rollups."""
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible test data, not secrets
    end = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - dt.timedelta(days=30 * months)
    step = (end - start).total_seconds() / max(count, 1)
    credited = list(agents.values())
    begin = time.perf_counter()
    for first in range(0, count, 20_000):
        acc = rollups.Accumulator()
        batch = []
        for n in range(first, min(first + 20_000, count)):
            agent, team = credited[rng.randrange(len(credited))]
            submitted = start + dt.timedelta(seconds=n * step)
            nps = min(10, max(0, round(rng.gauss(8, 2))))
            csat = min(5, max(1, round(rng.gauss(4.2, 1))))
            ces = min(7, max(1, round(rng.gauss(5.5, 1.2))))
            batch.append(
                SurveyResponse(
                    source="bench", external_id=f"r{n}", agent_id=agent, team_id=team,
                    nps=nps, csat=csat, ces=ces, submitted_at=submitted, is_generated=True,
                )
            )  # fmt: skip
            acc.add_response((agent, team, rollups.day_of(submitted)), nps, csat, 5, ces)
        with transaction.atomic():
            SurveyResponse.objects.bulk_create(batch, batch_size=5000)
            rollups.add_new_rows(acc)
    return time.perf_counter() - begin


# What the organisation scorecard shows, asked of the raw rows: the month per team, the
# 12-month trend of the whole organisation, and the month's survey figures per team.
DUCKDB_QUERIES = (
    """SELECT team, count(*), avg(handle), quantile_cont(handle, 0.5), quantile_cont(handle, 0.9),
              avg(CASE WHEN reopen > 0 THEN 1 ELSE 0 END),
              avg(CASE WHEN first_at - created <= INTERVAL 1 HOUR THEN 1 ELSE 0 END),
              avg(CASE WHEN resolved - created <= INTERVAL 1 DAY THEN 1 ELSE 0 END)
       FROM interactions WHERE created >= $start AND created < $end GROUP BY team""",
    """SELECT date_trunc('month', created) AS m, count(*), avg(handle),
              quantile_cont(handle, 0.5), avg(CASE WHEN reopen > 0 THEN 1 ELSE 0 END)
       FROM interactions WHERE created >= $since GROUP BY m ORDER BY m""",
    """SELECT team, count(*), avg(CASE WHEN nps >= 9 THEN 100 WHEN nps <= 6 THEN -100 ELSE 0 END),
              avg(csat), avg(ces)
       FROM responses WHERE submitted >= $start AND submitted < $end GROUP BY team""",
)


def duckdb_scan(
    path: Path, agents: dict[str, tuple[int, int | None]], month: dt.date, runs: int = 7
) -> float | None:
    """Median seconds for DuckDB to answer the scorecard's questions from the raw rows."""
    try:
        import duckdb
    except ImportError:
        return None
    db = duckdb.connect()
    db.execute(f"SET threads = {os.cpu_count() or 1}")
    db.execute("CREATE TABLE agents (ref VARCHAR, team INTEGER)")
    db.executemany("INSERT INTO agents VALUES (?, ?)", [(r, t) for r, (_a, t) in agents.items()])
    db.execute(
        """CREATE TABLE interactions AS
           SELECT a.team, c.created_at AS created, c.first_response_at AS first_at,
                  c.resolved_at AS resolved, c.handle_time_seconds AS handle,
                  c.reopen_count AS reopen
           FROM read_csv($path, header = true,
                         columns = {'external_id': 'VARCHAR', 'agent': 'VARCHAR',
                                    'created_at': 'TIMESTAMPTZ', 'first_response_at': 'TIMESTAMPTZ',
                                    'resolved_at': 'TIMESTAMPTZ', 'handle_time_seconds': 'INTEGER',
                                    'reopen_count': 'INTEGER', 'channel': 'VARCHAR'}) c
           JOIN agents a ON a.ref = c.agent""",
        {"path": str(path)},
    )
    db.execute(
        "CREATE TABLE responses (team INTEGER, submitted TIMESTAMPTZ, nps INTEGER, csat INTEGER, ces INTEGER)"
    )
    rows = SurveyResponse.objects.filter(source="bench").values_list(
        "team_id", "submitted_at", "nps", "csat", "ces"
    )
    for chunk in bulk.chunks(rows.iterator(chunk_size=20_000), 20_000):
        db.executemany("INSERT INTO responses VALUES (?, ?, ?, ?, ?)", chunk)
    start = dt.datetime.combine(month, dt.time(), dt.UTC)
    params = {
        "start": start,
        "end": (start + dt.timedelta(days=32)).replace(day=1),
        "since": (start - dt.timedelta(days=365)).replace(day=1),
    }
    timings = []
    for _i in range(runs + 1):
        begin = time.perf_counter()
        for query in DUCKDB_QUERIES:
            db.execute(query, {k: v for k, v in params.items() if f"${k}" in query}).fetchall()
        timings.append(time.perf_counter() - begin)
    db.close()
    return statistics.median(timings[1:])  # the first run warms DuckDB's caches


def time_page(client: Client, url: str, runs: int = 7) -> tuple[float, int]:
    client.get(url)  # warm caches and the session
    timings = []
    status = 0
    for _i in range(runs):
        begin = time.perf_counter()
        status = client.get(url).status_code
        timings.append(time.perf_counter() - begin)
    return statistics.median(timings), status


def run(
    interactions: int,
    agents: int,
    *,
    responses: int | None = None,
    months: int = 12,
    seed: int = 1,
    out: Callable[[str], None],
) -> dict[str, Any]:
    results: dict[str, Any] = {
        "database": connection.vendor,
        "interactions": interactions,
        "agents": agents,
        "months": months,
    }
    executive, refs = setup_org(agents)
    agent_map = bulk._agents()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "interactions.csv"
        begin = time.perf_counter()
        generate_csv(path, interactions, refs, months, seed)
        out(f"generated {interactions:,} rows in {time.perf_counter() - begin:.1f} s")

        # The baseline first, into an empty table like the ingest's, then dropped and
        # checkpointed: neither side pays for the other's pages.
        if connection.vendor == "sqlite":
            bare = bare_sqlite(path, agent_map)
            label = "bare sqlite3 executemany"
        else:
            bare = bare_copy(path, agent_map)
            label = "bare COPY"
        results["baseline"] = label
        results["baseline_rows_per_second"] = interactions / bare if bare else 0
        out(f"{label}: {results['baseline_rows_per_second']:,.0f} rows/s")

        begin = time.perf_counter()
        with path.open(newline="") as handle:
            report = bulk.ingest_interactions_csv(handle, source="bench", is_generated=True)
        spent = time.perf_counter() - begin
        results["ingest_seconds"] = spent
        results["ingest_rows_per_second"] = report.inserted / spent if spent else 0
        results["ingest_errors"] = report.error_count
        out(
            f"ingest: {report.inserted:,} rows in {spent:.1f} s = "
            f"{results['ingest_rows_per_second']:,.0f} rows/s (errors {report.error_count})"
        )
        results["ratio"] = results["ingest_rows_per_second"] / results["baseline_rows_per_second"]
        out(f"ingest reaches {results['ratio']:.0%} of the {label}")

        responses = interactions // 10 if responses is None else responses
        spent = add_responses(responses, agent_map, months, seed)
        results["responses"] = responses
        results["responses_rows_per_second"] = responses / spent if spent else 0
        out(f"survey responses: {responses:,} stored and rolled up in {spent:.1f} s")

        month = timezone.localdate().replace(day=1)
        scan = duckdb_scan(path, agent_map, month)
        results["duckdb_scan_ms"] = scan * 1000 if scan is not None else None
        if scan is None:
            out("duckdb is not installed: the raw-scan comparison is skipped")
        else:
            out(
                f"DuckDB answering the same questions from the raw rows: median {scan * 1000:.1f} ms"
            )

    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "") and not h.startswith(".")]
    client = Client(HTTP_HOST=hosts[0] if hosts else "localhost")
    client.force_login(executive)
    url = f"/scorecards/organisation/0/?period=month&date={month.isoformat()}"
    # Plain static storage: a checkout without collectstatic has no manifest to look up.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        median, status = time_page(client, url)
    results["org_scorecard_ms"] = median * 1000
    out(f"organisation scorecard ({url}): median {median * 1000:.1f} ms (HTTP {status})")
    quarter_url = f"/scorecards/organisation/0/?period=quarter&date={month.isoformat()}"
    with override_settings(STORAGES=storages):
        median_q, _status = time_page(client, quarter_url)
    results["org_scorecard_quarter_ms"] = median_q * 1000

    out(f"organisation scorecard, quarters (2 years of trend): median {median_q * 1000:.1f} ms")
    if results["duckdb_scan_ms"]:
        ratio = results["duckdb_scan_ms"] / results["org_scorecard_ms"]
        results["duckdb_over_scorecard"] = ratio
        out(f"DuckDB's scan takes {ratio:.2f} times the scorecard page's server time")
    # ru_maxrss is in kilobytes on Linux.
    results["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out(f"peak memory of the process: {results['peak_memory_mb']:.0f} MB (pid {os.getpid()})")
    return results
