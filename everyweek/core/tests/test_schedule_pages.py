"""The "Scheduled jobs" page, its runs list, "run now" and /api/schedule, over the real
scheduler (its claim code, its tick) and a real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, assert_error, fresh_cache
from everyweek.conftest import Org
from everyweek.core import schedule
from everyweek.core.models import AuditEvent, RunStatus, RunTrigger, ScheduledRun
from everyweek.core.tests.test_schedule import TEST_JOBS

__all__ = ["fresh_cache"]  # a fresh cache per test, so API rate limits never carry over


@pytest.fixture
def test_schedule(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    monkeypatch.setattr(schedule, "DEFAULT_SCHEDULE", TEST_JOBS)
    settings.SCHEDULE = {}
    settings.SCHEDULE_DISABLE = ["daily"]
    settings.SCHEDULE_TIME_ZONE = "Europe/Rome"
    settings.SCHEDULE_RUN_TIMEOUT = "1h"
    settings.SCHEDULE_RUN_TIMEOUTS = {}


def job(name: str) -> schedule.Job:
    found = schedule.get_job(name)
    assert found is not None
    return found


def start_run(name: str, started: dt.datetime | None = None) -> ScheduledRun:
    """A run claimed by the scheduler's own code and never finished (as if its process died)."""
    run = schedule.claim_slot(job(name), timezone.now().replace(microsecond=0), "gone:1")
    assert run is not None
    if started is not None:
        ScheduledRun.objects.filter(pk=run.pk).update(started_at=started)
        run.refresh_from_db()
    return run


def row_of(html: str, name: str) -> str:
    start = html.index(f'data-job="{name}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_the_page_lists_every_job_with_its_last_outcome(test_schedule: None, org: Org) -> None:
    org.ada.time_zone = "Asia/Bangkok"
    org.ada.save()
    schedule.tick(runner="test")
    response = org.client_for(org.ada).get("/scheduled-jobs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/scheduled-jobs/" in html  # the navigation entry
    calls, breaks, daily = row_of(html, "calls"), row_of(html, "breaks"), row_of(html, "daily")
    assert "every 5 minutes" in calls and "Succeeded" in calls.title()
    assert "RuntimeError: the job broke" in breaks and "Failed" in breaks.title()
    assert "disabled by EVERYWEEK_SCHEDULE_DISABLE" in daily and "It has not run yet." in daily
    assert "task:everyweek.core.tests.scheduled_jobs.record_call" in calls
    assert "/scheduled-jobs/calls/" in calls
    # The next due time and the last start, in the viewer's zone, as the project shows times.
    state = next(s for s in schedule.job_states() if s.job.name == "calls")
    last = state.last
    assert state.next_due is not None and last is not None and last.started_at is not None
    with timezone.override("Asia/Bangkok"):
        for moment in (state.next_due, last.started_at):
            assert formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") in calls


@pytest.mark.django_db
def test_the_runs_list_shows_a_jobs_last_fifty_runs(test_schedule: None, org: Org) -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ScheduledRun.objects.bulk_create(
        ScheduledRun(
            job="calls",
            slot=base + dt.timedelta(minutes=5 * i),
            status=RunStatus.SUCCEEDED,
            started_at=base + dt.timedelta(minutes=5 * i),
            finished_at=base + dt.timedelta(minutes=5 * i, seconds=2),
            result=f"run number {i}",
        )
        for i in range(60)
    )
    response = org.client_for(org.ada).get("/scheduled-jobs/calls/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "run number 59" in html and "run number 10" in html
    assert "run number 9<" not in html  # the 51st newest is left out
    assert "2.0 s" in html
    assert org.client_for(org.ada).get("/scheduled-jobs/nonesuch/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "lenny", "erin"])
def test_only_administrators_reach_the_page_and_the_api(
    test_schedule: None, org: Org, persona: str
) -> None:
    person = getattr(org, persona)
    client = org.client_for(person)
    assert client.get("/scheduled-jobs/").status_code == 403
    assert client.get("/scheduled-jobs/calls/").status_code == 403
    assert client.post("/scheduled-jobs/calls/run/").status_code == 403
    assert "/scheduled-jobs/" not in client.get("/").content.decode()
    api = api_for(person, TokenScope.WRITE)
    assert_error(api.get("/api/schedule"), 403, "permission_denied")
    assert_error(api.get("/api/schedule/calls/runs"), 403, "permission_denied")
    assert_error(api.post("/api/schedule/calls/run"), 403, "permission_denied")
    assert not ScheduledRun.objects.exists()
    assert Client().get("/scheduled-jobs/").status_code == 302
    assert Client().get("/api/schedule").status_code == 401


@pytest.mark.django_db
def test_an_admin_token_needs_the_admin_scope(test_schedule: None, org: Org) -> None:
    assert_error(api_for(org.ada, TokenScope.WRITE).get("/api/schedule"), 403, "insufficient_scope")


@pytest.mark.django_db
def test_run_now_is_audited_and_run_by_the_next_tick(test_schedule: None, org: Org) -> None:
    client = org.client_for(org.ada)
    response = client.post("/scheduled-jobs/calls/run/", {"next": "list"})
    assert response.status_code == 302 and response["Location"] == "/scheduled-jobs/"
    run = ScheduledRun.objects.get()
    assert (run.trigger, run.status, run.requested_by) == (
        RunTrigger.MANUAL,
        RunStatus.PENDING,
        org.ada,
    )
    assert AuditEvent.objects.filter(action="schedule.run_now", actor=org.ada).count() == 1
    # Asking again while it waits adds nothing.
    client.post("/scheduled-jobs/calls/run/")
    assert ScheduledRun.objects.filter(trigger=RunTrigger.MANUAL).count() == 1
    # The scheduler's tick runs it through the same code as a scheduled slot.
    made = schedule.tick(runner="test")
    run.refresh_from_db()
    assert run.pk in [r.pk for r in made]
    assert (run.status, run.result, run.claimed_by) == (RunStatus.SUCCEEDED, "called", "test")
    page = client.get("/scheduled-jobs/calls/").content.decode()
    assert "Ada Admin" in page and "run now" in page
    # A disabled job can still be run by hand, once.
    client.post("/scheduled-jobs/daily/run/")
    assert ScheduledRun.objects.filter(job="daily", status=RunStatus.PENDING).exists()


@pytest.mark.django_db
def test_run_now_needs_post_and_the_csrf_token(test_schedule: None, org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.ada)
    assert client.get("/scheduled-jobs/calls/run/").status_code == 405
    assert client.post("/scheduled-jobs/calls/run/").status_code == 403
    assert not ScheduledRun.objects.exists()
    page = client.get("/scheduled-jobs/")
    token = page.cookies["csrftoken"].value
    client.post("/scheduled-jobs/calls/run/", {"csrfmiddlewaretoken": token})
    assert ScheduledRun.objects.filter(trigger=RunTrigger.MANUAL).count() == 1


@pytest.mark.django_db
def test_run_now_is_refused_while_a_run_is_under_way(test_schedule: None, org: Org) -> None:
    start_run("calls")
    client = org.client_for(org.ada)
    response = client.post("/scheduled-jobs/calls/run/", follow=True)
    assert "calls is running now" in response.content.decode()
    api = api_for(org.ada, TokenScope.ADMIN)
    assert_error(api.post("/api/schedule/calls/run"), 409, "conflict")
    assert not ScheduledRun.objects.filter(trigger=RunTrigger.MANUAL).exists()
    assert not AuditEvent.objects.filter(action="schedule.run_now").exists()
    # Another job is not held up.
    assert api.post("/api/schedule/breaks/run").status_code == 202


@pytest.mark.django_db
def test_a_run_that_never_finished_times_out(test_schedule: None, org: Org, settings: Any) -> None:
    stale = start_run("calls", started=timezone.now() - dt.timedelta(hours=2))
    client = org.client_for(org.ada)
    # Read as timed out at once, before any tick has written it down...
    assert "Timed Out" in row_of(client.get("/scheduled-jobs/").content.decode(), "calls").title()
    api = api_for(org.ada, TokenScope.ADMIN)
    listed = {j["name"]: j for j in api.get("/api/schedule").json()}
    assert listed["calls"]["last_run"]["status"] == "timed_out"
    stale.refresh_from_db()
    assert stale.status == RunStatus.RUNNING
    # ...and run now is allowed again: the stale run no longer counts as under way.
    assert api.post("/api/schedule/calls/run").status_code == 202
    # The next tick records it; the pending request then runs.
    schedule.tick(runner="test")
    stale.refresh_from_db()
    assert stale.status == RunStatus.TIMED_OUT and "process running it stopped" in stale.error
    assert stale.finished_at is None
    # A per-job timeout keeps a long job running.
    settings.SCHEDULE_RUN_TIMEOUTS = {"breaks": "3h"}
    long = start_run("breaks", started=timezone.now() - dt.timedelta(hours=2))
    assert schedule.expire_stale(timezone.now()) == 0
    assert schedule.status_at(long, timezone.now(), job("breaks").timeout) == RunStatus.RUNNING
    assert_error(api.post("/api/schedule/breaks/run"), 409, "conflict")


def test_bad_timeouts_stop_start_up(test_schedule: None, settings: Any) -> None:
    assert schedule.parse_duration("90") == dt.timedelta(seconds=90)
    assert schedule.parse_duration("2h") == dt.timedelta(hours=2)
    settings.SCHEDULE_RUN_TIMEOUT = "a while"
    with pytest.raises(ImproperlyConfigured):
        schedule.jobs()
    settings.SCHEDULE_RUN_TIMEOUT = "1h"
    settings.SCHEDULE_RUN_TIMEOUTS = {"nonesuch": "2h"}
    with pytest.raises(ImproperlyConfigured):
        schedule.jobs()


@pytest.mark.django_db
def test_a_run_now_at_the_instant_of_a_slot_leaves_the_slot_to_the_schedule(
    test_schedule: None, org: Org
) -> None:
    slot = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)  # a 5-minute slot, to the microsecond
    with time_machine.travel(slot, tick=False):
        manual = schedule.request_run(org.ada, job("calls"))
        assert manual.slot == slot
        made = schedule.tick(runner="test")
    scheduled = ScheduledRun.objects.get(job="calls", trigger=RunTrigger.SCHEDULE)
    assert scheduled.slot == slot and scheduled.status == RunStatus.SUCCEEDED
    manual.refresh_from_db()
    assert manual.status == RunStatus.SUCCEEDED
    assert {scheduled.pk, manual.pk} <= {run.pk for run in made}


@pytest.mark.django_db
def test_the_page_takes_the_same_queries_however_many_runs(test_schedule: None, org: Org) -> None:
    client = org.client_for(org.ada)
    schedule.tick(runner="test")
    client.get("/scheduled-jobs/")  # the session and the person are loaded and cached alike
    with CaptureQueriesContext(connection) as few:
        assert client.get("/scheduled-jobs/").status_code == 200
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ScheduledRun.objects.bulk_create(
        ScheduledRun(
            job=name,
            slot=base + dt.timedelta(minutes=5 * i),
            status=RunStatus.FAILED,
            requested_by=org.ada,
            started_at=base,
            finished_at=base,
        )
        for i in range(200)
        for name in ("calls", "breaks", "daily")
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get("/scheduled-jobs/").status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as reading:
        states = schedule.job_states()
    assert len(reading) == 2  # the newest runs of every job, and the claimed slots
    assert [len(state.recent) for state in states] == [schedule.FAILED_STREAK] * 3
    api = api_for(org.ada, TokenScope.ADMIN)
    api.get("/api/schedule")
    with CaptureQueriesContext(connection) as api_queries:
        assert api.get("/api/schedule").status_code == 200
    assert len(api_queries) <= len(few) + 3


@pytest.mark.django_db
def test_error_text_is_escaped(test_schedule: None, org: Org) -> None:
    ScheduledRun.objects.create(
        job="calls",
        slot=timezone.now(),
        status=RunStatus.FAILED,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        error='Traceback...\nValueError: <script>alert("x")</script>',
    )
    for path in ("/scheduled-jobs/", "/scheduled-jobs/calls/"):
        html = org.client_for(org.ada).get(path).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_a_failing_or_silent_job_is_flagged(test_schedule: None, org: Org) -> None:
    long_ago = timezone.now() - dt.timedelta(hours=1)
    for minutes in range(3):
        ScheduledRun.objects.create(
            job="breaks",
            slot=long_ago + dt.timedelta(minutes=minutes),
            status=RunStatus.FAILED,
            started_at=timezone.now(),
            finished_at=timezone.now(),
            error="RuntimeError: the job broke",
        )
    ScheduledRun.objects.create(
        job="calls",
        slot=long_ago,
        status=RunStatus.SUCCEEDED,
        started_at=long_ago,  # 60 minutes ago for a 5-minute job
        finished_at=long_ago,
    )
    api = api_for(org.ada, TokenScope.ADMIN)
    listed = {j["name"]: j for j in api.get("/api/schedule").json()}
    assert listed["breaks"]["warning"] == "The last 3 runs failed."
    assert "not run for more than 3 times its interval" in listed["calls"]["warning"]
    assert listed["daily"]["warning"] is None and listed["daily"]["disabled_by_env"]
    html = org.client_for(org.ada).get("/scheduled-jobs/").content.decode()
    assert html.count('data-testid="warning"') == 2


@pytest.mark.django_db
def test_the_api_lists_jobs_runs_and_runs_one(test_schedule: None, org: Org) -> None:
    schedule.tick(runner="test")
    api = api_for(org.ada, TokenScope.ADMIN)
    listed = {j["name"]: j for j in api.get("/api/schedule").json()}
    assert set(listed) == {"calls", "breaks", "daily"}
    calls = listed["calls"]
    assert (calls["when"], calls["rule"], calls["enabled"]) == ("5m", "every 5 minutes", True)
    assert calls["timeout_seconds"] == 3600 and calls["next_due"]
    assert calls["last_run"]["status"] == "succeeded" and calls["last_run"]["result"] == "called"
    assert listed["breaks"]["last_run"]["status"] == "failed"
    assert "RuntimeError" in listed["breaks"]["last_run"]["error"]
    assert listed["daily"]["last_run"] is None and listed["daily"]["next_due"] is None
    created = api.post("/api/schedule/calls/run")
    assert created.status_code == 202
    assert created.json()["trigger"] == "manual" and created.json()["status"] == "pending"
    runs = api.get("/api/schedule/calls/runs", limit=1).json()
    assert runs["count"] == 2 and runs["items"][0]["id"] == created.json()["id"]
    assert_error(api.get("/api/schedule/nonesuch/runs"), 404, "not_found")
    assert_error(api.post("/api/schedule/nonesuch/run"), 404, "not_found")
    assert_error(
        api_for(org.ada, TokenScope.READ).post("/api/schedule/calls/run"), 403, "insufficient_scope"
    )
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {"get"} <= set(paths["/api/schedule"])
    assert {"get"} <= set(paths["/api/schedule/{name}/runs"])
    assert {"post"} <= set(paths["/api/schedule/{name}/run"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("it", ("Processi pianificati", "ogni 5 minuti", "Esegui ora")),
        ("de", ("Geplante Aufgaben", "alle 5 Minuten", "Jetzt ausführen")),
        ("th", ("งานตามกำหนดเวลา", "ทุก 5 นาที", "เรียกใช้ทันที")),
    ],
)
def test_the_page_speaks_the_admins_language(
    test_schedule: None, org: Org, settings: Any, language: str, words: tuple[str, ...]
) -> None:
    settings.SCHEDULE_DISABLE = []
    org.ada.locale = language
    org.ada.save()
    html = org.client_for(org.ada).get("/scheduled-jobs/").content.decode()
    for word in words:
        assert word in html, word
    with translation.override(language):
        assert schedule.parse_rule("weekly mon 07:00").describe() != (  # type: ignore[union-attr]
            "every Monday at 07:00 (Europe/Rome)"
        )


@pytest.mark.django_db
def test_the_database_holds_one_waiting_request_per_job(test_schedule: None, org: Org) -> None:
    first = schedule.request_run(org.ada, job("calls"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledRun.objects.create(
            job="calls", slot=timezone.now(), trigger=RunTrigger.MANUAL, status=RunStatus.PENDING
        )
    assert schedule.request_run(org.erin, job("calls")) == first
