"""The schedule of periodic jobs, and the scheduler that runs them.

`DEFAULT_SCHEDULE` below names each job, what it calls (a django.tasks task or a management
command) and when: every N seconds/minutes/hours, daily at a local time, or weekly on a day at a
local time (in settings.SCHEDULE_TIME_ZONE). Deployments change it from the environment:

    EVERYWEEK_SCHEDULE=send_surveys=5m,send_scorecards=weekly tue 08:30
    EVERYWEEK_SCHEDULE_DISABLE=listening_reminders,careers_ready

A job's due times ("slots") follow from its rule alone: interval slots are multiples of the
interval since the Unix epoch, daily and weekly slots are the given local time. Each scheduler
(`everyweek worker` runs one beside the task worker; `everyweek scheduler` runs one alone) looks
at the latest slot of every job on each tick and claims it by inserting a ScheduledRun row; the
unique (job, slot) constraint lets exactly one of them win, on SQLite and PostgreSQL, however
many processes and machines run. Only the latest slot is ever due, so after downtime a job runs
once, not once per missed slot. The winner calls the job in its own process, records the outcome,
and goes on with the next job whatever happened.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import socket
import threading
import traceback
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from everyweek.core import audit
from everyweek.core.models import RunStatus, RunTrigger, ScheduledRun

logger = logging.getLogger(__name__)

RESULT_LIMIT = 2000
ERROR_LIMIT = 10000
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Every:
    """Every `seconds`, at multiples of it since the epoch (so every process agrees on slots)."""

    seconds: int

    def latest(self, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        elapsed = int((now - EPOCH).total_seconds())
        return EPOCH + dt.timedelta(seconds=elapsed - elapsed % self.seconds)

    def following(self, slot: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        return slot + dt.timedelta(seconds=self.seconds)

    def __str__(self) -> str:
        for unit, size in (("h", 3600), ("m", 60)):
            if self.seconds % size == 0:
                return f"{self.seconds // size}{unit}"
        return f"{self.seconds}s"


@dataclass(frozen=True)
class At:
    """Daily at `time` local time, or weekly on `weekday` (0 = Monday) at `time`."""

    time: dt.time
    weekday: int | None = None

    def _on(self, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.combine(day, self.time, tzinfo=tz).astimezone(dt.UTC)

    def latest(self, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        today = now.astimezone(tz).date()
        step = 1 if self.weekday is None else 7
        day = (
            today
            if self.weekday is None
            else today - dt.timedelta((today.weekday() - self.weekday) % 7)
        )
        slot = self._on(day, tz)
        if slot > now:
            slot = self._on(day - dt.timedelta(step), tz)
        return slot

    def following(self, slot: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        step = 1 if self.weekday is None else 7
        return self._on(slot.astimezone(tz).date() + dt.timedelta(step), tz)

    def __str__(self) -> str:
        hhmm = self.time.strftime("%H:%M")
        if self.weekday is None:
            return f"daily {hhmm}"
        return f"weekly {WEEKDAYS[self.weekday]} {hhmm}"


Rule = Every | At

_INTERVAL = re.compile(r"^(?:every\s+)?(\d+)\s*([smh])$")
_AT = re.compile(r"^(?:daily|weekly\s+(mon|tue|wed|thu|fri|sat|sun))\s+(\d{1,2}):(\d{2})$")


def parse_rule(text: str) -> Rule | None:
    """ "2m", "every 90s", "1h", "daily 07:00", "weekly mon 08:00"; "off" is None (disabled)."""
    value = " ".join(text.strip().lower().split())
    if value in {"off", "disabled", "never"}:
        return None
    if match := _INTERVAL.match(value):
        seconds = int(match[1]) * {"s": 1, "m": 60, "h": 3600}[match[2]]
        if seconds < 1:
            raise ValueError(text)
        return Every(seconds)
    if match := _AT.match(value):
        hour, minute = int(match[2]), int(match[3])
        if hour > 23 or minute > 59:
            raise ValueError(text)
        weekday = WEEKDAYS.index(match[1]) if match[1] else None
        return At(dt.time(hour, minute), weekday)
    raise ValueError(text)


@dataclass(frozen=True)
class Job:
    name: str
    # "task:dotted.path.to.a.django_task" or "command:management_command_name".
    target: str
    when: str
    description: str | Promise

    @property
    def rule(self) -> Rule | None:
        return parse_rule(self.when)

    @property
    def enabled(self) -> bool:
        return self.rule is not None


DEFAULT_SCHEDULE: tuple[Job, ...] = (
    Job(
        "send_surveys",
        "task:everyweek.feedback.tasks.send_surveys",
        "2m",
        _("Email the survey invitations and reminders that are due."),
    ),
    Job(
        "escalate_followups",
        "task:everyweek.feedback.tasks.escalate_followups",
        "5m",
        _("Escalate overdue follow-up cases to the owner's leader."),
    ),
    Job(
        "evaluate_standards",
        "command:evaluate_standards",
        "10m",
        _("Re-evaluate the service standards of interactions whose clocks still run."),
    ),
    Job(
        "retry_emails",
        "task:everyweek.notifications.tasks.retry_emails",
        "1m",
        _("Queue failed and lost emails again."),
    ),
    Job(
        "flush_rollups",
        "task:everyweek.scorecards.tasks.flush_rollups",
        "5m",
        _("Recompute the scorecard figures left out of date."),
    ),
    Job(
        "send_scorecards",
        "command:send_scorecards",
        "weekly mon 07:00",
        _("Email each leader last week's scorecard."),
    ),
    Job(
        "week_daily",
        "task:everyweek.week.tasks.week_daily",
        "daily 07:00",
        _("Customer Service Week: today's tip, event reminders, raffle credits."),
    ),
    Job(
        "servicedesk_sweep",
        "command:servicedesk_sweep",
        "5m",
        _("Service desk: flag late acknowledgements, send the weekly digests."),
    ),
    Job(
        "send_praise_digests",
        "task:everyweek.recognition.tasks.send_praise_digests",
        "daily 08:00",
        _("Email each leader the customer praise waiting for their thanks."),
    ),
    Job(
        "remind_milestones",
        "task:everyweek.recognition.tasks.remind_milestones",
        "daily 08:00",
        _("Remind leaders of service anniversaries two weeks ahead."),
    ),
    Job(
        "record_top_performers",
        "task:everyweek.recognition.tasks.record_top_performers",
        "daily 06:30",
        _("Keep each closed period's top service performers and tell them and their leaders."),
    ),
    Job(
        "check_metric_goals",
        "task:everyweek.recognition.tasks.check_metric_goals",
        "1h",
        _(
            "Measure the team goals set on scorecard metrics; announce the dare when one is reached."
        ),
    ),
    Job(
        "listening_reminders",
        "task:everyweek.listening.tasks.remind_leaders",
        "daily 09:00",
        _("Remind leaders whose listening cadence has lapsed."),
    ),
    Job(
        "careers_ready",
        "task:everyweek.careers.tasks.notify_ready",
        "daily 06:00",
        _("Tell leaders who now meets every requirement of their next level."),
    ),
    Job(
        "purge_webhook_payloads",
        "task:everyweek.integrations.tasks.purge_webhook_payloads",
        "daily 03:00",
        _("Blank webhook bodies past their retention."),
    ),
)


def jobs() -> list[Job]:
    """The schedule in force: the default table with settings.SCHEDULE and SCHEDULE_DISABLE."""
    overrides: dict[str, str] = dict(settings.SCHEDULE)
    disabled = set(settings.SCHEDULE_DISABLE)
    names = {job.name for job in DEFAULT_SCHEDULE}
    unknown = (set(overrides) | disabled) - names
    if unknown:
        raise ImproperlyConfigured(
            f"Unknown scheduled job(s) {', '.join(sorted(unknown))}; the jobs are "
            f"{', '.join(sorted(names))}."
        )
    result = []
    for job in DEFAULT_SCHEDULE:
        when = "off" if job.name in disabled else overrides.get(job.name, job.when)
        try:
            parse_rule(when)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"Cannot read the schedule of {job.name}: {when!r} (use e.g. 5m, 1h, "
                "daily 07:00, weekly mon 08:00 or off)."
            ) from exc
        result.append(Job(job.name, job.target, when, job.description))
    return result


def get_job(name: str) -> Job | None:
    return next((job for job in jobs() if job.name == name), None)


def time_zone() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(settings.SCHEDULE_TIME_ZONE)


def resolve(target: str) -> Callable[[], Any]:
    """The callable behind a job's target; raises if the task or command does not exist."""
    kind, _sep, name = target.partition(":")
    if kind == "task":
        task = import_string(name)
        call = getattr(task, "call", None)
        if not callable(call):
            raise ImproperlyConfigured(f"{name} is not a django.tasks task")
        return call  # type: ignore[no-any-return]
    if kind == "command":
        from django.core.management import get_commands, load_command_class

        app = get_commands().get(name)
        if app is None:
            raise ImproperlyConfigured(f"There is no management command {name!r}")
        load_command_class(app, name)

        def run_command() -> str:
            out = io.StringIO()
            call_command(name, stdout=out, stderr=out, verbosity=1)
            return out.getvalue().strip()

        return run_command
    raise ImproperlyConfigured(f"A job's target is task:… or command:…, not {target!r}")


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


# --- Running ----------------------------------------------------------------------------------


def claim_slot(job: Job, slot: dt.datetime, runner: str) -> ScheduledRun | None:
    """Insert the run of `job` for `slot`, or None if another scheduler already has it."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                job=job.name,
                slot=slot,
                trigger=RunTrigger.SCHEDULE,
                status=RunStatus.RUNNING,
                claimed_by=runner,
                started_at=timezone.now(),
            )
    except IntegrityError:
        return None


def claim_requested(run: ScheduledRun, runner: str) -> bool:
    """Take a pending "run now" request; exactly one scheduler's conditional update succeeds."""
    started = timezone.now()
    claimed = ScheduledRun.objects.filter(pk=run.pk, status=RunStatus.PENDING).update(
        status=RunStatus.RUNNING, claimed_by=runner, started_at=started
    )
    if claimed:
        run.status, run.claimed_by, run.started_at = RunStatus.RUNNING, runner, started
    return bool(claimed)


def execute(job: Job, run: ScheduledRun) -> ScheduledRun:
    """Call the job and record how it went. Never raises for the job's own failure."""
    try:
        # Jobs switch to each recipient's language; none of it may stay on the runner's thread.
        with override(settings.LANGUAGE_CODE):
            value = resolve(job.target)()
    except Exception:
        logger.exception("Scheduled job %s failed", job.name)
        run.status = RunStatus.FAILED
        run.error = traceback.format_exc()[-ERROR_LIMIT:]
    else:
        run.status = RunStatus.SUCCEEDED
        run.result = ("" if value is None else str(value))[:RESULT_LIMIT]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "result", "error", "finished_at"])
    return run


def tick(now: dt.datetime | None = None, runner: str | None = None) -> list[ScheduledRun]:
    """Run what is due now: every enabled job's latest slot not yet claimed, then "run now"
    requests. Returns the runs this process made."""
    now = now or timezone.now()
    runner = runner or runner_name()
    tz = time_zone()
    schedule = jobs()
    by_name = {job.name: job for job in schedule}
    done: list[ScheduledRun] = []
    for job in schedule:
        rule = job.rule
        if rule is None:
            continue
        slot = rule.latest(now, tz)
        if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue  # the cheap common case; the insert below is what decides
        run = claim_slot(job, slot, runner)
        if run is not None:
            done.append(execute(job, run))
    requested = ScheduledRun.objects.filter(status=RunStatus.PENDING, slot__lte=now).order_by(
        "slot"
    )
    for run in requested:
        manual_job = by_name.get(run.job)
        if manual_job is None or not claim_requested(run, runner):
            continue
        done.append(execute(manual_job, run))
    return done


def request_run(actor: Any, job: Job) -> ScheduledRun:
    """Ask the schedulers to run `job` as soon as possible ("run now"); audited. One pending
    request per job at a time: asking again returns the waiting one."""
    with transaction.atomic():
        waiting = ScheduledRun.objects.filter(job=job.name, status=RunStatus.PENDING).first()
        if waiting is not None:
            return waiting
        run = ScheduledRun.objects.create(
            job=job.name,
            slot=timezone.now(),
            trigger=RunTrigger.MANUAL,
            status=RunStatus.PENDING,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(actor, "schedule.run_now", run, {"job": job.name})
    return run


class Scheduler:
    """The loop: a tick every `interval` seconds until stopped. Errors (say the database is
    briefly unreachable) are logged and the next tick tries again."""

    def __init__(self, interval: float | None = None) -> None:
        self.interval = settings.SCHEDULER_TICK if interval is None else interval
        self.stopping = threading.Event()

    def run_once(self) -> list[ScheduledRun]:
        close_old_connections()
        try:
            return tick()
        finally:
            close_old_connections()

    def run_forever(self) -> None:
        jobs()  # a bad EVERYWEEK_SCHEDULE stops start-up rather than every tick
        logger.info("Scheduler started (%s), a tick every %ss", runner_name(), self.interval)
        while not self.stopping.is_set():
            try:
                self.run_once()
            except Exception:
                logger.exception("Scheduler tick failed; trying again in %ss", self.interval)
            self.stopping.wait(self.interval)
        logger.info("Scheduler stopped")

    def stop(self) -> None:
        self.stopping.set()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="everyweek-scheduler", daemon=True)
        thread.start()
        return thread


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class JobState:
    job: Job
    last: ScheduledRun | None
    next_due: dt.datetime | None


def job_states(now: dt.datetime | None = None) -> list[JobState]:
    """Each job with its latest run and when it is next due (three queries for all jobs)."""
    from django.db.models import Max

    now = now or timezone.now()
    tz = time_zone()
    schedule = jobs()
    names = [job.name for job in schedule]
    latest_ids = (
        ScheduledRun.objects.filter(job__in=names)
        .values("job")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    last = {
        run.job: run
        for run in ScheduledRun.objects.filter(id__in=list(latest_ids)).select_related(
            "requested_by"
        )
    }
    claimed = dict(
        ScheduledRun.objects.filter(job__in=names, trigger=RunTrigger.SCHEDULE)
        .values("job")
        .annotate(slot=Max("slot"))
        .values_list("job", "slot")
    )
    states = []
    for job in schedule:
        rule = job.rule
        next_due = None
        if rule is not None:
            slot = rule.latest(now, tz)
            taken = claimed.get(job.name)
            next_due = rule.following(slot, tz) if taken is not None and taken >= slot else slot
        states.append(JobState(job, last.get(job.name), next_due))
    return states
