"""The schedule of periodic jobs, and the scheduler that runs them.

`DEFAULT_SCHEDULE` below names each job, what it calls (a django.tasks task or a management
command) and when: every N seconds/minutes/hours, daily at a local time, or weekly on a day at a
local time (in settings.SCHEDULE_TIME_ZONE). Deployments change it from the environment:

    EVERYWEEK_SCHEDULE=send_surveys=5m,send_scorecards=weekly tue 08:30
    EVERYWEEK_SCHEDULE_DISABLE=listening_reminders,careers_ready
    EVERYWEEK_SCHEDULE_RUN_TIMEOUT=1h
    EVERYWEEK_SCHEDULE_RUN_TIMEOUTS=send_scorecards=3h

A job's due times ("slots") follow from its rule alone: interval slots are multiples of the
interval since the Unix epoch, daily and weekly slots are the given local time. Each scheduler
(`everyweek worker` runs one beside the task worker; `everyweek scheduler` runs one alone) looks
at the latest slot of every job on each tick and claims it by inserting a ScheduledRun row; the
unique (job, slot) constraint lets exactly one of them win, on SQLite and PostgreSQL, however
many processes and machines run. Only the latest slot is ever due, so after downtime a job runs
once, not once per missed slot. The winner calls the job in its own process, records the outcome,
and goes on with the next job whatever happened.

A run whose process was killed stays "running" in its row. Past its timeout
(EVERYWEEK_SCHEDULE_RUN_TIMEOUT, per job EVERYWEEK_SCHEDULE_RUN_TIMEOUTS) it is read as timed
out at once (`status_at`), and the next tick records that in the row (`expire_stale`). A run that
does finish after all records its real outcome over the "timed out".
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
from django.db.models import F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext, ngettext, override
from django.utils.translation import gettext_lazy as _

from everyweek.core import audit
from everyweek.core.models import RunStatus, RunTrigger, ScheduledRun

logger = logging.getLogger(__name__)

RESULT_LIMIT = 2000
ERROR_LIMIT = 10000
EXCERPT_LIMIT = 300
# A job whose last this many runs all failed (or timed out) is flagged on the page and in the API.
FAILED_STREAK = 3
# ...and so is one whose last run started longer ago than this many of its periods.
OVERDUE_PERIODS = 3
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

    @property
    def period(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.seconds)

    def describe(self) -> str:
        if self.seconds % 3600 == 0:
            count = self.seconds // 3600
            text = ngettext("every hour", "every %(count)d hours", count)
        elif self.seconds % 60 == 0:
            count = self.seconds // 60
            text = ngettext("every minute", "every %(count)d minutes", count)
        else:
            count = self.seconds
            text = ngettext("every second", "every %(count)d seconds", count)
        return text % {"count": count}


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

    @property
    def period(self) -> dt.timedelta:
        return dt.timedelta(days=1 if self.weekday is None else 7)

    def describe(self) -> str:
        hhmm = self.time.strftime("%H:%M")
        zone = settings.SCHEDULE_TIME_ZONE
        if self.weekday is None:
            return gettext("daily at %(time)s (%(zone)s)") % {"time": hhmm, "zone": zone}
        return gettext("every %(weekday)s at %(time)s (%(zone)s)") % {
            "weekday": WEEKDAY_NAMES[self.weekday],
            "time": hhmm,
            "zone": zone,
        }


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


def parse_duration(text: str) -> dt.timedelta:
    """ "90s", "30m", "2h" or plain seconds ("3600"), for run timeouts."""
    value = "".join(text.strip().lower().split())
    if value.isdigit():
        value += "s"
    rule = parse_rule(value) if _INTERVAL.match(value) else None
    if not isinstance(rule, Every):
        raise ValueError(text)
    return rule.period


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

    def describe(self) -> str:
        """The rule in words, in the active language."""
        rule = self.rule
        return gettext("disabled") if rule is None else rule.describe()

    @property
    def disabled_by_env(self) -> bool:
        return self.name in settings.SCHEDULE_DISABLE

    @property
    def timeout(self) -> dt.timedelta:
        """How long a run may take before it counts as timed out (its process was stopped)."""
        return parse_duration(
            settings.SCHEDULE_RUN_TIMEOUTS.get(self.name, settings.SCHEDULE_RUN_TIMEOUT)
        )


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
    Job(
        "purge_import_files",
        "task:everyweek.integrations.tasks.purge_import_files",
        "daily 03:15",
        _("Delete the files of finished imports past their retention."),
    ),
)


def jobs() -> list[Job]:
    """The schedule in force: the default table with settings.SCHEDULE and SCHEDULE_DISABLE."""
    overrides: dict[str, str] = dict(settings.SCHEDULE)
    disabled = set(settings.SCHEDULE_DISABLE)
    names = {job.name for job in DEFAULT_SCHEDULE}
    timeouts: dict[str, str] = dict(settings.SCHEDULE_RUN_TIMEOUTS)
    unknown = (set(overrides) | disabled | set(timeouts)) - names
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
    for name, value in [("", settings.SCHEDULE_RUN_TIMEOUT), *timeouts.items()]:
        try:
            parse_duration(value)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"Cannot read the run timeout{f' of {name}' if name else ''}: {value!r} "
                "(use e.g. 90s, 30m, 2h or a number of seconds)."
            ) from exc
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
    expire_stale(now, schedule)
    done: list[ScheduledRun] = []
    for job in schedule:
        rule = job.rule
        if rule is None:
            continue
        slot = rule.latest(now, tz)
        if ScheduledRun.objects.filter(
            job=job.name, slot=slot, trigger=RunTrigger.SCHEDULE
        ).exists():
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


class JobBusy(Exception):
    """A run of the job is under way; "run now" waits until it has finished or timed out."""

    def __init__(self, run: ScheduledRun) -> None:
        super().__init__(f"{run.job} is running since {run.started_at}")
        self.run = run


def running_run(job: Job, now: dt.datetime | None = None) -> ScheduledRun | None:
    """The run of `job` under way now, if any; one past its timeout no longer counts."""
    now = now or timezone.now()
    return (
        ScheduledRun.objects.filter(
            job=job.name, status=RunStatus.RUNNING, started_at__gt=now - job.timeout
        )
        .order_by("-id")
        .first()
    )


def request_run(actor: Any, job: Job) -> ScheduledRun:
    """Ask the schedulers to run `job` as soon as possible ("run now"); audited. The next tick
    of any scheduler claims it and runs it through `execute`, like a scheduled slot. One pending
    request per job at a time: asking again returns the waiting one. Raises JobBusy while a run
    of the job is under way, so a slow job is not piled up by impatient clicks."""
    with transaction.atomic():
        waiting = ScheduledRun.objects.filter(job=job.name, status=RunStatus.PENDING).first()
        if waiting is not None:
            return waiting
        busy = running_run(job)
        if busy is not None:
            raise JobBusy(busy)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(
                    job=job.name,
                    slot=timezone.now(),
                    trigger=RunTrigger.MANUAL,
                    status=RunStatus.PENDING,
                    requested_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:
            # Someone else's request got in between: theirs is the one that runs.
            return ScheduledRun.objects.get(job=job.name, status=RunStatus.PENDING)
        audit.record(actor, "schedule.run_now", run, {"job": job.name})
    return run


def status_at(run: ScheduledRun, now: dt.datetime, timeout: dt.timedelta) -> str:
    """The run's status as of `now`: a run still "running" past its timeout has timed out,
    even before a tick has written that down."""
    if (
        run.status == RunStatus.RUNNING
        and run.started_at is not None
        and run.started_at <= now - timeout
    ):
        return RunStatus.TIMED_OUT
    return str(run.status)


def expire_stale(now: dt.datetime, schedule: list[Job] | None = None) -> int:
    """Record as timed out every run left "running" past its job's timeout; how many."""
    schedule = jobs() if schedule is None else schedule
    default = parse_duration(settings.SCHEDULE_RUN_TIMEOUT)
    by_timeout: dict[dt.timedelta, list[str]] = {}
    for job in schedule:
        by_timeout.setdefault(job.timeout, []).append(job.name)
    by_timeout.setdefault(default, [])
    known = [job.name for job in schedule]
    expired = 0
    for timeout, names in by_timeout.items():
        # Runs of jobs since removed from the schedule go by the default timeout.
        which = Q(job__in=names) | (~Q(job__in=known) if timeout == default else Q(pk__in=[]))
        expired += ScheduledRun.objects.filter(
            which, status=RunStatus.RUNNING, started_at__lte=now - timeout
        ).update(
            status=RunStatus.TIMED_OUT,
            error=f"No outcome within {timeout} of the start: the process running it stopped.",
        )
    if expired:
        logger.warning("Recorded %d scheduled run(s) as timed out", expired)
    return expired


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
    # Newest first, at most FAILED_STREAK of them.
    recent: list[ScheduledRun]
    next_due: dt.datetime | None
    now: dt.datetime

    @property
    def last(self) -> ScheduledRun | None:
        return self.recent[0] if self.recent else None

    @property
    def status(self) -> str | None:
        """The last run's status as of now (a stale "running" reads as timed out)."""
        last = self.last
        return None if last is None else status_at(last, self.now, self.job.timeout)

    @property
    def warning(self) -> str | None:
        """Why an operator should look at this job, in the active language, or None."""
        if not self.job.enabled or not self.recent:
            return None
        bad = {RunStatus.FAILED, RunStatus.TIMED_OUT}
        statuses = [status_at(run, self.now, self.job.timeout) for run in self.recent]
        if len(statuses) == FAILED_STREAK and all(status in bad for status in statuses):
            return gettext("The last %(count)d runs failed.") % {"count": FAILED_STREAK}
        rule = self.job.rule
        started = [run.started_at for run in self.recent if run.started_at is not None]
        if rule is not None and started and max(started) < self.now - OVERDUE_PERIODS * rule.period:
            return gettext("It has not run for more than %(count)d times its interval.") % {
                "count": OVERDUE_PERIODS
            }
        return None


def error_excerpt(error: str) -> str:
    """The line of a traceback that says what went wrong (its last), shortened."""
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()]
    text = lines[-1] if lines else ""
    return text if len(text) <= EXCERPT_LIMIT else text[: EXCERPT_LIMIT - 1] + "…"


def job_states(now: dt.datetime | None = None) -> list[JobState]:
    """Each job with its latest runs and when it is next due: two queries for all jobs,
    however many runs there are (a window function picks each job's newest few)."""
    now = now or timezone.now()
    tz = time_zone()
    schedule = jobs()
    names = [job.name for job in schedule]
    recent: dict[str, list[ScheduledRun]] = {}
    ranked = (
        ScheduledRun.objects.filter(job__in=names)
        .annotate(rank=Window(RowNumber(), partition_by=[F("job")], order_by=[F("id").desc()]))
        .filter(rank__lte=FAILED_STREAK)
        .select_related("requested_by")
        .order_by("job", "-id")
    )
    for run in ranked:
        recent.setdefault(run.job, []).append(run)
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
        states.append(JobState(job, recent.get(job.name, []), next_due, now))
    return states


RECENT_RUNS = 50  # shown per job on the runs page and in the API


def recent_runs(job: Job, limit: int = RECENT_RUNS) -> list[ScheduledRun]:
    """The job's newest runs, newest first."""
    runs = ScheduledRun.objects.filter(job=job.name).select_related("requested_by")
    return list(runs.order_by("-id")[:limit])
