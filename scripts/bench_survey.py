#!/usr/bin/env python3
"""Load benchmark of survey submissions on the production server, on SQLite and PostgreSQL.

    .venv/bin/python scripts/bench_survey.py                      # both databases, 60 s each
    .venv/bin/python scripts/bench_survey.py --databases sqlite --duration 20

For each database it:

1. makes a scratch data directory (and, for PostgreSQL, a scratch database `everyweek_bench` on
   127.0.0.1:5432, dropped again at the end), migrates it and prepares one survey invitation per
   submission in advance, writing their signed links to a file;
2. starts `everyweek serve` (gunicorn, 2 workers, EVERYWEEK_ENV=production) on a free loopback port;
3. runs wrk against the bare `/healthz` endpoint, then against the survey page: each request POSTs
   a score (form-encoded, with a CSRF cookie and token, as a browser does) on a link never used
   before. A submission is acknowledged when the server answers 302 to the link's next page; the
   Lua script writes the token of every acknowledged submission to a file;
4. checks, after the server stopped, that every acknowledged submission is stored exactly once
   (one response row per acknowledged link, none twice, none missing);
5. repeats a shorter run while the server is disturbed: SIGHUP (gunicorn reloads its workers) at
   a fifth, SIGKILL of one worker at two fifths, and a full stop and start at three fifths;
   then the same check: no acknowledged submission may be lost.

The scratch PostgreSQL database is `everyweek_bench`, or BENCH_PG_DATABASE. The survey page's
per-address rate limit is switched off (EVERYWEEK_SURVEY_RATE_LIMIT=0): wrk
sends everything from one address. Results are printed as a table and as JSON (--json FILE).
Timings depend on the machine; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
EVERYWEEK = VENV_BIN / "everyweek"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "everyweek_bench"
# Scores sent, cycled: mostly promoters, some passives, ~15 % detractors (who open follow-ups).
SCORES = [10, 9, 9, 10, 8, 7, 9, 10, 3, 6, 9, 10, 5, 8, 10, 9, 1, 10, 9, 8]
RESULT_PREFIX = "BENCH_JSON "


# --- Run inside the scratch environment (Django configured by the environment) -----------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "everyweek.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(counts_and_files: list[str]) -> None:
    """Create invitations (bulk, one transaction per file) and write their links: COUNT FILE ..."""
    pairs = [
        (int(counts_and_files[i]), counts_and_files[i + 1])
        for i in range(0, len(counts_and_files), 2)
    ]
    _django()
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from everyweek.feedback import invitations
    from everyweek.feedback.models import Interaction, InvitationStatus, SurveyInvitation
    from everyweek.people.models import Department, DepartmentKind, Person, Role, Team

    survey = invitations.ensure_default_survey()
    now = timezone.now()
    # Answers spread over 200 agents in 20 teams, as in a real organisation (one agent taking
    # every answer would make their daily rollup the one row every request fights over).
    with transaction.atomic():
        care = Department.objects.create(name="Bench care", kind=DepartmentKind.SERVICE)
        teams = [Team.objects.create(name=f"Bench {n}", department=care) for n in range(20)]
        agents = Person.objects.bulk_create(
            Person(
                email=f"bench.agent{n}@example.com",
                full_name=f"Bench Agent {n}",
                role=Role.AGENT,
                department=care,
                team=teams[n % 20],
            )
            for n in range(200)
        )
    for n, (count, path) in enumerate(pairs):
        with transaction.atomic(), open(path, "w") as out:
            for start in range(0, count, 5000):
                size = min(5000, count - start)
                batch = Interaction.objects.bulk_create(
                    Interaction(
                        source="bench",
                        external_id=f"{n}-{start + i}",
                        channel="email",
                        agent=agents[(start + i) % len(agents)],
                        team_id=agents[(start + i) % len(agents)].team_id,
                        status="solved",
                        created_at=now - dt.timedelta(hours=2),
                        first_response_at=now - dt.timedelta(hours=1),
                        resolved_at=now - dt.timedelta(minutes=30),
                    )
                    for i in range(size)
                )
                sent = SurveyInvitation.objects.bulk_create(
                    SurveyInvitation(
                        interaction=interaction,
                        survey=survey,
                        nonce=secrets.token_urlsafe(16),
                        language="en",
                        status=InvitationStatus.SENT,
                        sent_at=now,
                        expires_at=now + dt.timedelta(days=30),
                    )
                    for interaction in batch
                )
                out.writelines(invitations.make_token(inv) + "\n" for inv in sent)
    fields = [name for name, _low, _high in invitations.score_questions(survey)]
    print(RESULT_PREFIX + json.dumps({"fields": fields}))


def verify(acked_dir: str) -> None:
    """Every acknowledged link must have exactly one stored response."""
    _django()
    from django.core import signing
    from django.db.models import Count

    from everyweek.feedback import invitations
    from everyweek.feedback.models import SurveyInvitation, SurveyResponse

    acked_tokens: set[str] = set()
    acknowledgements = 0
    for path in sorted(Path(acked_dir).glob("acked-*.txt")):
        for line in path.read_text().splitlines():
            if line.strip():
                acknowledgements += 1
                acked_tokens.add(line.strip())
    signer = signing.Signer(salt=invitations.SALT)
    acked_ids = {int(signer.unsign_object(token)[0]) for token in acked_tokens}
    stored: dict[str, int] = {}
    ids = sorted(acked_ids)
    for start in range(0, len(ids), 5000):
        chunk = [f"inv-{pk}" for pk in ids[start : start + 5000]]
        for row in (
            SurveyResponse.objects.filter(source=invitations.SOURCE, external_id__in=chunk)
            .values("external_id")
            .annotate(n=Count("pk"))
        ):
            stored[row["external_id"]] = row["n"]
    missing = sum(1 for pk in ids if f"inv-{pk}" not in stored)
    twice = sum(1 for n in stored.values() if n > 1)
    rows = SurveyResponse.objects.filter(source=invitations.SOURCE).count()
    responded = SurveyInvitation.objects.filter(responded_at__isnull=False).count()
    print(
        RESULT_PREFIX
        + json.dumps(
            {
                "acknowledged": acknowledgements,
                "acknowledged_links": len(acked_ids),
                "stored_rows": rows,
                "responded_invitations": responded,
                "missing": missing,
                "stored_twice": twice,
                # Stored but never acknowledged: the answer was cut off by a restart or a killed
                # worker after the commit. Allowed (the customer would press again, and an
                # answer again updates the same row); losing an acknowledged one is not.
                "stored_without_ack": rows - len(stored),
            }
        )
    )


def capture(tokens_path: str, script_path: str) -> None:
    """Answer one prepared link through the real view and write its SQL as a pgbench script.

    The statements are the ones the view ran (captured, not copied by hand), with the link's
    invitation id made a pgbench variable, the response's external id built from it and the
    task row given a fresh UUID, so pgbench can run the same transaction on other links.
    """
    _django()
    from django.db import connection
    from django.db.models import Max, Min
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from everyweek.feedback import invitations
    from everyweek.feedback.models import SurveyInvitation

    token = Path(tokens_path).read_text().split()[0]
    pk = invitations.read_token(token).pk
    with CaptureQueriesContext(connection) as captured:
        response = Client().post(f"/s/{token}/", {"nps": "9"}, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302, response.status_code
    lines = [r"\set id random(:first, :last)"]
    for query in captured.captured_queries:
        sql = query["sql"]
        sql = re.sub(rf"(\b(?:inv\.)?\"?id\"? = ){pk}\b", r"\1:id", sql)
        sql = sql.replace(f"'inv-{pk}'", "'inv-' || :id")
        sql = re.sub(r"'[0-9a-f]{32}'::uuid", "gen_random_uuid()", sql)
        lines.append(sql + ";")
    Path(script_path).write_text("\n".join(lines) + "\n")
    ids = SurveyInvitation.objects.aggregate(first=Min("pk"), last=Max("pk"))
    print(RESULT_PREFIX + json.dumps({"statements": len(lines) - 1, **ids}))


# --- The driver -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _last_json(output: str) -> dict[str, Any]:
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return dict(json.loads(line[len(RESULT_PREFIX) :]))
    raise RuntimeError(f"no result in output:\n{output[-3000:]}")


def run_here(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - this script, with our own arguments
        [sys.executable, __file__, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{args[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return _last_json(done.stdout)


class Server:
    """`everyweek serve` in its own process group; only this process tree is ever signalled."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, collectstatic: bool = False) -> None:
        argv = [str(EVERYWEEK), "serve", "--bind", f"127.0.0.1:{self.port}"]
        argv += ["--workers", str(self.env.get("WEB_WORKERS", "2"))]
        if not collectstatic:
            argv.append("--no-collectstatic")
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own console script
                argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the server did not start; see {self.log}")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def signal(self, sig: int) -> None:
        assert self.process is not None
        os.kill(self.process.pid, sig)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.signal(signal.SIGTERM)  # gunicorn: graceful, in-flight requests finish
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


HEALTH_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; other = 0 end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local ok, other = 0, 0
  for _, t in ipairs(threads) do ok = ok + t:get("ok"); other = other + t:get("other") end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"ok":%d,"other":%d,"p50_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"errors":%d}\\n',
    summary.requests, summary.duration, ok, other, latency:percentile(50),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout))
end
"""

SURVEY_LUA = """
local tokens_path = "@TOKENS@"
local acked_dir = "@ACKED@"
local csrf = "@CSRF@"
local nthreads = @THREADS@
local scores = {@SCORES@}
local field = "@FIELD@"
local skip = @SKIP@  -- links already used by an earlier run on the same file
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  local i = 0
  for line in io.lines(tokens_path) do
    if i >= skip and i % nthreads == id then tokens[#tokens + 1] = line end
    i = i + 1
  end
  pos = 0
  wraps = 0
  acked = 0
  other = 0
  out = io.open(acked_dir .. "/acked-" .. id .. ".txt", "w")
  out:setvbuf("line")  -- every acknowledgement reaches the file even if wrk is killed
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. csrf,
  }
end

function request()
  pos = pos + 1
  if pos > #tokens then pos = 1; wraps = wraps + 1 end
  local body = "csrfmiddlewaretoken=" .. csrf .. "&" .. field .. "=" .. scores[pos % #scores + 1]
  return wrk.format("POST", "/s/" .. tokens[pos] .. "/", headers, body)
end

function response(status, headers, body)
  local token = nil
  if status == 302 and headers["Location"] then
    token = string.match(headers["Location"], "^/s/([^/?]+)/more/")
  end
  if token then
    acked = acked + 1
    out:write(token, "\\n")
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local acked, other, wraps = 0, 0, 0
  for _, t in ipairs(threads) do
    acked = acked + t:get("acked"); other = other + t:get("other"); wraps = wraps + t:get("wraps")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"ok":%d,"other":%d,"p50_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"errors":%d,"wraps":%d}\\n',
    summary.requests, summary.duration, acked, other, latency:percentile(50),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, wraps))
end
"""


def wrk(url: str, script: Path, *, duration: int, threads: int, connections: int) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603
        [  # noqa: S607 - wrk from Debian, found on PATH
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = _last_json(done.stdout)
    seconds = result["duration_us"] / 1e6
    result["ok_per_s"] = round(result["ok"] / seconds, 1)
    result["p50_ms"] = round(result["p50_us"] / 1000, 1)
    result["p99_ms"] = round(result["p99_us"] / 1000, 1)
    return result


def survey_script(
    work: Path, tokens: Path, acked: Path, csrf: str, threads: int, field: str, skip: int = 0
) -> Path:
    acked.mkdir(parents=True, exist_ok=True)
    lua = (
        SURVEY_LUA.replace("@TOKENS@", str(tokens))
        .replace("@ACKED@", str(acked))
        .replace("@CSRF@", csrf)
        .replace("@THREADS@", str(threads))
        .replace("@SCORES@", ", ".join(map(str, SCORES)))
        .replace("@FIELD@", field)
        .replace("@SKIP@", str(skip))
    )
    path = work / f"survey-{acked.name}.lua"
    path.write_text(lua)
    return path


def disturb(server: Server, duration: int, log: list[str]) -> None:
    """SIGHUP at 1/5, SIGKILL one worker at 2/5, stop and start at 3/5 of the run."""
    started = time.monotonic()

    def at(fraction: float) -> None:
        time.sleep(max(0.0, started + duration * fraction - time.monotonic()))

    at(0.2)
    server.signal(signal.SIGHUP)
    log.append(f"{time.monotonic() - started:.1f}s SIGHUP to gunicorn (reload workers)")
    at(0.4)
    workers = server.worker_pids()
    if workers:
        os.kill(workers[0], signal.SIGKILL)
        log.append(f"{time.monotonic() - started:.1f}s SIGKILL to worker {workers[0]}")
    at(0.6)
    server.stop()
    log.append(f"{time.monotonic() - started:.1f}s server stopped (SIGTERM, graceful)")
    server.start()
    log.append(f"{time.monotonic() - started:.1f}s server started again")


PG_BENCH_DB = os.environ.get("BENCH_PG_DATABASE", PG_BENCH_DB)


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def pgbench_answers(
    env: dict[str, str], work: Path, tokens: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """The answer's captured transaction run by pgbench, as many clients as wrk connections.

    Links are picked at random among all prepared ones, so some are answered again (the
    upsert's update branch): the same statements, the same rows touched.
    """
    pgbench = shutil.which("pgbench")
    if pgbench is None:
        print("[postgres] pgbench is missing (Debian: postgresql-client); skipped")
        return {}
    script = work / "answer.sql"
    found = run_here(env, "_capture", str(tokens), str(script))
    print(f"[postgres] pgbench, the answer's {found['statements']} statements, {args.pgbench}s")
    done = subprocess.run(  # noqa: S603 - pgbench with our own arguments
        [pgbench, "-h", "127.0.0.1", "-U", "postgres", "-n", "-f", str(script),
         "-D", f"first={found['first']}", "-D", f"last={found['last']}",
         "-c", str(args.connections), "-j", str(args.threads), "-T", str(args.pgbench),
         PG_BENCH_DB],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    tps = re.search(r"tps = ([\d.]+)", done.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    return {
        "tps": float(tps.group(1)) if tps else None,
        "latency_ms": float(latency.group(1)) if latency else None,
    }


def bench_database(database: str, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"everyweek-bench-{database}-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "everyweek.settings",
        "EVERYWEEK_DATA_DIR": str(work / "data"),
        "EVERYWEEK_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EVERYWEEK_SURVEY_RATE_LIMIT": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "WEB_WORKERS": str(args.workers),
    }
    if args.web_threads:
        env["WEB_THREADS"] = str(args.web_threads)
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
    server: Server | None = None
    try:
        print(f"[{database}] migrating {work}", flush=True)
        subprocess.run(  # noqa: S603
            [str(EVERYWEEK), "migrate", "--verbosity", "0"], env=env, check=True
        )
        main_tokens, restart_tokens = work / "tokens-main.txt", work / "tokens-restart.txt"
        # The run after a restart gets links of its own: counting how many links the restart
        # run used (requests + socket errors) overshoots when refused connects pile up.
        after_tokens = work / "tokens-after.txt"
        counts = (
            args.tokens * args.duration,
            args.tokens * args.restart_duration,
            args.tokens * 10,
        )
        print(f"[{database}] preparing {' + '.join(map(str, counts))} invitations", flush=True)
        prepared = run_here(
            env,
            "_prepare",
            str(counts[0]),
            str(main_tokens),
            str(counts[1]),
            str(restart_tokens),
            str(counts[2]),
            str(after_tokens),
        )
        field = prepared["fields"][0]
        port = free_port()
        server = Server(env, port, work / "server.log")
        server.start(collectstatic=True)
        base = f"http://127.0.0.1:{port}"
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        health_lua = work / "health.lua"
        health_lua.write_text(HEALTH_LUA)
        shape = {"threads": args.threads, "connections": args.connections}

        # Other work on the machine skews everything; say how busy it was.
        load = round(os.getloadavg()[0], 2)
        print(f"[{database}] wrk /healthz for {args.duration}s (load average {load})", flush=True)
        bare = wrk(f"{base}/healthz", health_lua, duration=args.duration, **shape)

        print(f"[{database}] wrk survey submissions for {args.duration}s", flush=True)
        script = survey_script(work, main_tokens, work / "acked-main", csrf, args.threads, field)
        survey = wrk(base + "/", script, duration=args.duration, **shape)
        server.stop()
        survey_check = run_here(env, "_verify", str(work / "acked-main"))
        restart: dict[str, Any] = {}
        restart_check: dict[str, Any] = {}
        events: list[str] = []
        if args.restart_duration:
            server.start()
            print(f"[{database}] wrk with restarts for {args.restart_duration}s", flush=True)
            script = survey_script(
                work, restart_tokens, work / "acked-restart", csrf, args.threads, field
            )
            thread = threading.Thread(
                target=disturb, args=(server, args.restart_duration, events), daemon=True
            )
            thread.start()
            restart = wrk(base + "/", script, duration=args.restart_duration, **shape)
            thread.join()
            # A slow graceful stop can push the restart past the end of the run: then show that
            # answers are taken again after it, on links not used yet.
            restarted_at = float(events[-1].split("s ")[0]) if events else 0.0
            if restarted_at > 0.9 * args.restart_duration:
                print(f"[{database}] wrk after the restart for 10s", flush=True)
                script = survey_script(
                    work, after_tokens, work / "acked-after", csrf, args.threads, field
                )
                after = wrk(base + "/", script, duration=10, **shape)
                restart["after_restart_ok"] = after["ok"]
                for path in (work / "acked-after").glob("acked-*.txt"):
                    shutil.copy(path, work / "acked-restart" / f"acked-after-{path.name}")
            server.stop()
            # Everything from both runs: the check is over all acknowledged links together.
            for path in (work / "acked-main").glob("acked-*.txt"):
                shutil.copy(path, work / "acked-restart" / f"acked-main-{path.name}")
            restart_check = run_here(env, "_verify", str(work / "acked-restart"))
        # Last, once every check is done: pgbench answers links at random among all prepared
        # ones, which would count as "stored without ack" in the checks above.
        ceiling: dict[str, Any] = {}
        if database == "postgres" and args.pgbench:
            ceiling = pgbench_answers(env, work, after_tokens, args)
        return {
            "database": database,
            "load_average_before": load,
            "bare": bare,
            "survey": survey,
            "ratio": round(survey["ok_per_s"] / bare["ok_per_s"], 3) if bare["ok_per_s"] else None,
            "check": survey_check,
            "restart": restart,
            "restart_check": restart_check,
            "restart_events": events,
            "pgbench": ceiling,
            "scratch": str(work),
        }
    finally:
        if server is not None:
            server.stop()
        if database == "postgres":
            # Wait for the server's connections to go, then drop the scratch database.
            with contextlib.suppress(Exception):
                pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    targets = {"sqlite": 300, "postgres": 1000}
    print()
    print(
        f"wrk -t{args.threads} -c{args.connections}, {args.duration} s; "
        f"gunicorn {args.workers} workers, {args.web_threads or 'default'} threads "
        "(everyweek serve), same machine"
    )
    print(
        "| database | /healthz req/s | survey submissions/s | ratio | p50 | p99 "
        "| acknowledged | stored | missing | twice | target |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s, c = r["survey"], r["check"]
        target = targets[r["database"]]
        verdict = "met" if s["ok_per_s"] >= target and s["p99_ms"] <= 100 else "missed"
        print(
            f"| {r['database']} | {r['bare']['ok_per_s']:.0f} | {s['ok_per_s']:.0f} "
            f"| {r['ratio']:.2f} | {s['p50_ms']} ms | {s['p99_ms']} ms "
            f"| {c['acknowledged']} | {c['stored_rows']} | {c['missing']} | {c['stored_twice']} "
            f"| ≥ {target}/s, p99 ≤ 100 ms: {verdict} |"
        )
        if s.get("wraps"):
            print(f"  note: links ran out and were reused {s['wraps']} times (answers again)")
        if s["other"] or s["errors"]:
            print(f"  note: {s['other']} unacknowledged answers, {s['errors']} socket errors")
    for r in results:
        if r.get("pgbench"):
            p = r["pgbench"]
            print(
                f"pgbench, the answer's own SQL with no Python ({r['database']}): "
                f"{p['tps']:.0f} answers/s, {p['latency_ms']} ms average"
            )
    for r in results:
        print(f"load average before the {r['database']} runs: {r['load_average_before']}")
    for r in results:
        if not r["restart"]:
            continue
        s, c = r["restart"], r["restart_check"]
        print(
            f"restart run on {r['database']} ({args.restart_duration} s): {s['ok']} acknowledged, "
            f"{s['errors']} socket errors, {s['other']} other answers; after both runs "
            f"{c['acknowledged_links']} acknowledged links, {c['missing']} missing, "
            f"{c['stored_twice']} stored twice, {c['stored_without_ack']} stored without ack"
        )
        if "after_restart_ok" in s:
            print(f"  {s['after_restart_ok']} acknowledged in 10 s after the restart")
        for event in r["restart_events"]:
            print(f"  {event}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        prepare(sys.argv[2:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_verify":
        verify(sys.argv[2])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_capture":
        capture(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds per wrk run")
    parser.add_argument(
        "--restart-duration", type=int, default=30, help="seconds of the restart run (0: skip)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument(
        "--tokens",
        type=int,
        default=1500,
        help="links prepared per second of run; if they run out, links are answered again "
        "(updates, still checked) and the report says so",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers of `everyweek serve`"
    )
    parser.add_argument(
        "--web-threads", type=int, help="threads per worker (default: `everyweek serve`'s own)"
    )
    parser.add_argument(
        "--pgbench",
        type=int,
        default=0,
        help="PostgreSQL: also run the answer's own SQL with pgbench for this many seconds, "
        "with no Python in the way: the database's ceiling on this machine (0: skip)",
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directories")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    # `timeout` or a CI runner stopping us must still stop the server and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    results = []
    for database in args.databases:
        results.append(bench_database(database, args))
        report(results[-1:], args)  # each database as soon as it is done
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
    if len(results) > 1:
        report(results, args)
    failed = [
        r["database"]
        for r in results
        if r["check"]["missing"]
        or r["check"]["stored_twice"]
        or (
            r["restart_check"]
            and (r["restart_check"]["missing"] or r["restart_check"]["stored_twice"])
        )
    ]
    if failed:
        sys.exit(f"acknowledged submissions lost or doubled on: {', '.join(failed)}")


if __name__ == "__main__":
    main()
