"""The scheduler: the default table is real, due jobs run once, failures are recorded."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from everyweek.core import schedule
from everyweek.core.models import AuditEvent, RunStatus, ScheduledRun

NOW = dt.datetime(2026, 12, 2, 9, 31, 10, tzinfo=dt.UTC)  # a Wednesday
ROME = zoneinfo.ZoneInfo("Europe/Rome")

TEST_JOBS = (
    schedule.Job("calls", "task:everyweek.core.tests.scheduled_jobs.record_call", "5m", "calls"),
    schedule.Job("breaks", "task:everyweek.core.tests.scheduled_jobs.fail", "5m", "breaks"),
    schedule.Job(
        "daily", "task:everyweek.core.tests.scheduled_jobs.record_call", "daily 07:00", "daily"
    ),
)


@pytest.fixture
def test_schedule(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    monkeypatch.setattr(schedule, "DEFAULT_SCHEDULE", TEST_JOBS)
    settings.SCHEDULE = {}
    settings.SCHEDULE_DISABLE = []
    settings.SCHEDULE_TIME_ZONE = "Europe/Rome"


def calls() -> int:
    return AuditEvent.objects.filter(action="test.scheduled_call").count()


def test_every_default_job_names_a_task_or_command_that_exists(settings: Any) -> None:
    settings.SCHEDULE, settings.SCHEDULE_DISABLE = {}, []
    names = [job.name for job in schedule.jobs()]
    assert len(names) == len(set(names))
    for job in schedule.jobs():
        assert callable(schedule.resolve(job.target)), job.name
        assert job.rule is not None, job.name


def test_a_target_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ImportError):
        schedule.resolve("task:everyweek.feedback.tasks.no_such_task")
    with pytest.raises(ImproperlyConfigured):
        schedule.resolve("command:no_such_command")


def test_rules_and_their_slots() -> None:
    assert schedule.parse_rule("off") is None
    every = schedule.parse_rule("every 5m")
    assert every == schedule.Every(300)
    assert every is not None
    assert every.latest(NOW, ROME) == dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)
    daily = schedule.parse_rule("daily 07:00")
    assert daily is not None
    # 07:00 in Rome is 06:00 UTC in December.
    assert daily.latest(NOW, ROME) == dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)
    assert daily.latest(NOW.replace(hour=5), ROME) == dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC)
    weekly = schedule.parse_rule("weekly mon 08:00")
    assert weekly is not None
    assert weekly.latest(NOW, ROME) == dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)
    assert weekly.following(weekly.latest(NOW, ROME), ROME) == dt.datetime(
        2026, 12, 7, 7, 0, tzinfo=dt.UTC
    )
    for bad in ("5 minutes", "daily 25:00", "weekly funday 08:00", "0m"):
        with pytest.raises(ValueError):
            schedule.parse_rule(bad)


def test_settings_change_and_disable_jobs(test_schedule: None, settings: Any) -> None:
    settings.SCHEDULE = {"calls": "1h"}
    settings.SCHEDULE_DISABLE = ["breaks"]
    by_name = {job.name: job for job in schedule.jobs()}
    assert by_name["calls"].rule == schedule.Every(3600)
    assert not by_name["breaks"].enabled
    settings.SCHEDULE = {"nonesuch": "5m"}
    with pytest.raises(ImproperlyConfigured):
        schedule.jobs()
    settings.SCHEDULE = {"calls": "sometimes"}
    with pytest.raises(ImproperlyConfigured):
        schedule.jobs()


@pytest.mark.django_db
def test_a_due_job_runs_once_per_slot_and_a_failure_does_not_stop_the_others(
    test_schedule: None,
) -> None:
    runs = {run.job: run for run in schedule.tick(NOW, runner="test")}
    assert set(runs) == {"calls", "breaks", "daily"}
    assert calls() == 2
    ok = ScheduledRun.objects.get(job="calls")
    assert (ok.status, ok.result, ok.claimed_by) == (RunStatus.SUCCEEDED, "called", "test")
    assert ok.slot == dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)
    assert ok.duration is not None
    broken = ScheduledRun.objects.get(job="breaks")
    assert broken.status == RunStatus.FAILED
    assert "RuntimeError: the job broke" in broken.error

    # The same slot again: nothing; the next slot: the interval jobs only.
    assert schedule.tick(NOW + dt.timedelta(minutes=2), runner="test") == []
    later = schedule.tick(NOW + dt.timedelta(minutes=5), runner="test")
    assert sorted(run.job for run in later) == ["breaks", "calls"]
    assert calls() == 3


@pytest.mark.django_db
def test_after_downtime_a_job_catches_up_once(test_schedule: None) -> None:
    schedule.tick(NOW, runner="test")
    # Down for three days: one run per job, for the latest slot, not one per missed slot.
    back = NOW + dt.timedelta(days=3, hours=1)
    runs = schedule.tick(back, runner="test")
    assert sorted(run.job for run in runs) == ["breaks", "calls", "daily"]
    daily = ScheduledRun.objects.filter(job="daily").order_by("slot").last()
    assert daily is not None and daily.slot == dt.datetime(2026, 12, 5, 6, tzinfo=dt.UTC)
    assert ScheduledRun.objects.count() == 6


@pytest.mark.django_db
def test_a_disabled_job_does_not_run(test_schedule: None, settings: Any) -> None:
    settings.SCHEDULE_DISABLE = ["calls", "daily"]
    runs = schedule.tick(NOW, runner="test")
    assert [run.job for run in runs] == ["breaks"]
    assert calls() == 0


@pytest.mark.django_db
def test_run_now_is_audited_and_run_by_one_scheduler(test_schedule: None, org: Any) -> None:
    job = schedule.get_job("calls")
    assert job is not None
    schedule.tick(NOW, runner="test")
    run = schedule.request_run(org.ada, job)
    assert schedule.request_run(org.ada, job) == run  # asking twice waits for the same run
    assert AuditEvent.objects.filter(action="schedule.run_now", actor=org.ada).count() == 1
    later = run.slot + dt.timedelta(seconds=1)
    assert run.pk in [r.pk for r in schedule.tick(later, runner="a")]
    assert run.pk not in [r.pk for r in schedule.tick(later, runner="b")]
    run.refresh_from_db()
    assert (run.status, run.claimed_by) == (RunStatus.SUCCEEDED, "a")


@pytest.mark.django_db(transaction=True)
def test_two_racing_schedulers_claim_each_slot_exactly_once(test_schedule: None) -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "threads cannot share the in-memory SQLite test database; the unique constraint is the same"
        )
    barrier = threading.Barrier(2)
    results: dict[str, list[ScheduledRun]] = {}

    def race(name: str) -> None:
        try:
            barrier.wait()
            results[name] = schedule.tick(NOW, runner=name)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [run.job for runs in results.values() for run in runs]
    assert sorted(won) == ["breaks", "calls", "daily"]
    assert ScheduledRun.objects.count() == 3
    assert calls() == 2
