#!/usr/bin/env python
"""Benchmark: import survey responses from a vendor-style CSV through the bulk path.

    .venv/bin/python scripts/bench_import.py                 # 1,000,000 rows, fresh SQLite
    .venv/bin/python scripts/bench_import.py --rows 100000 --rerun
    .venv/bin/python scripts/bench_import.py --database-url postgres://postgres@127.0.0.1:5432/everyweek_bench

Generates the CSV in a temporary directory (Response ID, Submitted At, Rating 1-5, Comment,
Agent Email, Ticket ID, Customer Email, Language: the columns a survey tool's export has),
creates a fresh database with 200 agents, then times `import_file(..., bulk=True)` alone and
prints rows/s, seconds, the process's CPU time and its peak resident memory. Every row is
credited to an agent by email, names one of 100,000 customers (created on first sight);
about a fifth of the ratings are unhappy (a follow-up case and its audit event each), and 1%
of the rows name an agent nobody knows (queued for mapping). `--tickets` adds ticket ids.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COMMENTS = [
    "Quick and friendly, thank you!",
    "Grazie mille, molto gentile.",
    "Sehr hilfreich, danke.",
    "ขอบคุณมากค่ะ บริการดีมาก",
    "Took too long to get an answer.",
    "",
    "",
    "Problem solved on the first call.",
]


def generate(path: Path, rows: int, agents: int, tickets: str, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    step = 365 * 86400 / max(rows, 1)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Response ID",
                "Submitted At",
                "Rating",
                "Comment",
                "Agent Email",
                "Ticket ID",
                "Customer Email",
                "Language",
            ]
        )
        for i in range(rows):
            agent = (
                f"stranger{(i // 100) % 50}@outsourcer.example"
                if i % 100 == 0
                else f"agent{rng.randrange(agents)}@bench.example"
            )
            writer.writerow(
                [
                    f"R{i:08d}",
                    # Chronological, as exports are: a year of answers, oldest first.
                    (start + dt.timedelta(seconds=i * step)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    rng.choices((1, 2, 3, 4, 5), weights=(8, 10, 12, 30, 40))[0],
                    rng.choice(COMMENTS),
                    agent,
                    f"T{i:08d}" if tickets != "none" else "",
                    f"customer{rng.randrange(rows // 10 or 1)}@mail.example",
                    rng.choice(("en", "it", "de", "th")),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL URL of a database to (re)create"
    )
    parser.add_argument(
        "--per-row", action="store_true", help="use record_response per row instead"
    )
    parser.add_argument("--rerun", action="store_true", help="import the same file a second time")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="SQLite: then store the same responses again with a bare executemany (same table "
        "shape, constraints and foreign keys, indexes rebuilt at the end): what the database "
        "alone costs",
    )
    parser.add_argument(
        "--profile", default="", help="write a cProfile of the (first) import to this file"
    )
    parser.add_argument(
        "--tickets",
        choices=["none", "new", "existing"],
        default="none",
        help="responses without tickets; naming tickets not imported yet (each gets a minimal "
        "interaction and its credit); or naming tickets already imported (looked up)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="everyweek-bench-"))
    os.environ["EVERYWEEK_DATA_DIR"] = str(work)
    # Text analysis of the comments is queued (database backend) for the workers, not timed here.
    os.environ["EVERYWEEK_TASK_BACKEND"] = "database"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        _recreate_postgres(args.database_url)
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(work / "bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "everyweek.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from everyweek.integrations import services
    from everyweek.integrations.models import ColumnMapping, Vendor
    from everyweek.people.models import Department, Person, Role, Team

    call_command("migrate", verbosity=0)
    care = Department.objects.create(name="Care")
    teams = [Team.objects.create(name=f"Team {n}", department=care) for n in range(10)]
    lead = Person.objects.create_user("lead@bench.example", None, full_name="Lead", role=Role.LEAD)
    Person.objects.bulk_create(
        Person(
            email=f"agent{n}@bench.example",
            full_name=f"Agent {n}",
            role=Role.AGENT,
            department=care,
            team=teams[n % 10],
            reports_to=lead,
            password="!",  # noqa: S106 - an unusable password
        )
        for n in range(args.agents)
    )
    integration, _token = services.create_integration(
        actor=None, vendor=Vendor.GENERIC, name="Bench"
    )
    mapping = ColumnMapping.objects.create(
        name="Survey export",
        columns={
            "response_id": "Response ID",
            "date": "Submitted At",
            "score": "Rating",
            "comment": "Comment",
            "agent_email": "Agent Email",
            "ticket_id": "Ticket ID",
            "customer_email": "Customer Email",
            "language": "Language",
        },
        score_kind="csat",
        csat_scale=5,
    )
    csv_path = work / "responses.csv"
    started = time.perf_counter()
    generate(csv_path, args.rows, args.agents, args.tickets)
    if args.tickets == "existing":
        _existing_tickets(args.rows)
    print(
        f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
    )

    # Where the time goes that a profile does not show: the collector's runs, and the index
    # rebuild at the end (SQLite), each timed in CPU seconds of this process.
    import gc

    from everyweek.integrations.importers import base

    spent = {"gc": 0.0, "gc_runs": 0.0, "rebuild": 0.0}
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = time.process_time()
        else:
            spent["gc"] += time.process_time() - gc_started[0]
            spent["gc_runs"] += 1

    gc.callbacks.append(on_gc)
    restore = base.SecondaryIndexes.restore

    def timed_restore(self: base.SecondaryIndexes) -> None:
        before = time.process_time()
        restore(self)
        spent["rebuild"] += time.process_time() - before

    base.SecondaryIndexes.restore = timed_restore  # type: ignore[method-assign]

    runs = 2 if args.rerun else 1
    for run in range(runs):
        started = time.perf_counter()
        cpu_before = _cpu_seconds()
        child_before = _cpu_seconds(resource.RUSAGE_CHILDREN)
        profiler = None
        if args.profile and not run:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        with csv_path.open("rb") as stream:
            report = services.import_file(
                integration=integration,
                kind="spreadsheet",
                stream=stream,
                mapping=mapping,
                bulk=not args.per_row,
            )
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        child_cpu = _cpu_seconds(resource.RUSAGE_CHILDREN) - child_before
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        label = "re-run" if run else "import"
        print(
            f"{label}: {report.processed:,} rows in {seconds:.1f} s = {report.processed / seconds:,.0f} rows/s; "
            f"created {report.created:,}, updated {report.updated:,}, unchanged {report.unchanged:,}, "
            f"problems {report.error_count:,}; peak RSS {peak_mb:,.0f} MB; database {connection.vendor}; "
            f"CPU time of this process {cpu:.1f} s (+ {child_cpu:.1f} s in the file reader's process); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        print(
            f"  of which CPU: index restore/rebuild {spent['rebuild']:.1f} s, garbage collector "
            f"{spent['gc']:.1f} s in {spent['gc_runs']:,.0f} runs"
        )
        spent.update(gc=0.0, gc_runs=0.0, rebuild=0.0)
    from everyweek.feedback.models import FollowUpCase, Interaction, SurveyResponse
    from everyweek.integrations.models import ExternalIdentity, PendingCredit

    print(
        f"stored: {SurveyResponse.objects.count():,} responses, {Interaction.objects.count():,} interactions, "
        f"{FollowUpCase.objects.count():,} follow-up cases, "
        f"{ExternalIdentity.objects.filter(status='pending').count():,} agents waiting to be mapped "
        f"({PendingCredit.objects.count():,} credits waiting)"
    )
    if args.floor and connection.vendor == "sqlite":
        _floor(args.rows)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def _floor(rows: int) -> None:
    """The same response rows, read back and stored again through one bare executemany per
    5,000 rows into a twin of the table (its own CREATE TABLE, so the same constraints and
    foreign keys), then its non-unique indexes built: the part of the import that is SQLite's."""
    from django.db import connection

    from everyweek.feedback.models import SurveyResponse

    table = SurveyResponse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s", [table])
        statements = [sql for (sql,) in cursor.fetchall() if sql]
        columns = [c.column for c in SurveyResponse._meta.concrete_fields if not c.primary_key]
        names = ", ".join(f'"{c}"' for c in columns)
        cursor.execute(f'SELECT {names} FROM "{table}" ORDER BY id')  # noqa: S608 - bench only
        data = cursor.fetchall()
    twin = f"{table}_floor"
    create, indexes = statements[0], statements[1:]
    raw = connection.connection
    from everyweek.integrations.importers.base import FAST_PRAGMAS

    for name, value in FAST_PRAGMAS.items():  # as the import's fast load has them
        raw.execute(f"PRAGMA {name} = {value}")
    raw.execute(create.replace(f'"{table}"', f'"{twin}"', 1).replace("IF NOT EXISTS ", ""))
    insert = f'INSERT INTO "{twin}" ({names}) VALUES ({", ".join("?" for _ in columns)})'  # noqa: S608
    started, cpu = time.perf_counter(), _cpu_seconds()
    for start in range(0, len(data), 5000):
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(insert, data[start : start + 5000])
        raw.execute("COMMIT")
    stored = time.perf_counter() - started, _cpu_seconds() - cpu
    for sql in indexes:
        renamed = sql.replace(f'"{table}"', f'"{twin}"').replace('INDEX "', 'INDEX "floor_', 1)
        raw.execute(renamed)
    total = time.perf_counter() - started, _cpu_seconds() - cpu
    print(
        f"floor: the same {len(data):,} responses by bare executemany: {stored[0]:.1f} s wall / "
        f"{stored[1]:.1f} s CPU, with the {len(indexes)} indexes rebuilt {total[0]:.1f} s / "
        f"{total[1]:.1f} s CPU (the import also writes customers, cases, audit events, marks)"
    )


def _existing_tickets(rows: int) -> None:
    """The tickets, as if imported from the helpdesk before (not timed)."""
    from everyweek.feedback.models import Interaction
    from everyweek.integrations.importers.base import RawInsert

    insert = RawInsert(Interaction, ["source", "external_id", "created_at", "status"])
    for start in range(0, rows, 50_000):
        insert.run(
            [
                ("generic", f"T{i:08d}", "2026-01-01 00:00:00", "solved")
                for i in range(start, min(rows, start + 50_000))
            ]
        )


def _cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User and system time of this process (with SQLite, the database work is in here too),
    or of its finished children (the file reader of a large import)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _recreate_postgres(url: str) -> None:
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    name = config["NAME"]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
