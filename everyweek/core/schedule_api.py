"""The scheduled jobs over the JSON API, for administrators and their monitoring."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import require_admin
from everyweek.api.pagination import paginated
from everyweek.api.schemas import PersonRef
from everyweek.core import schedule
from everyweek.core.models import ScheduledRun

router = Router(tags=["schedule"])


class RunOut(Schema):
    id: int
    job: str
    slot: dt.datetime
    trigger: str
    # pending, running, succeeded, failed or timed_out (a "running" run past its timeout).
    status: str
    requested_by: PersonRef | None
    claimed_by: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_seconds: float | None
    result: str
    error: str


class JobOut(Schema):
    name: str
    target: str
    description: str
    # The rule as configured ("5m", "daily 07:00", "off"), and in words.
    when: str
    rule: str
    enabled: bool
    disabled_by_env: bool
    timeout_seconds: int
    next_due: dt.datetime | None
    last_run: RunOut | None
    # Why to look at it (its last runs failed, it stopped running), or null.
    warning: str | None


def run_out(run: ScheduledRun, status: str) -> RunOut:
    duration = run.duration
    return RunOut(
        id=run.pk,
        job=run.job,
        slot=run.slot,
        trigger=run.trigger,
        status=status,
        requested_by=(
            PersonRef(id=run.requested_by.pk, full_name=run.requested_by.full_name)
            if run.requested_by
            else None
        ),
        claimed_by=run.claimed_by,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_seconds=None if duration is None else duration.total_seconds(),
        result=run.result,
        error=run.error,
    )


def job_or_404(name: str) -> schedule.Job:
    job = schedule.get_job(name)
    if job is None:
        raise errors.not_found()
    return job


@router.get("", response=list[JobOut], summary="The scheduled jobs and how they last ran")
def list_jobs(request: HttpRequest) -> list[JobOut]:
    """Every job of the schedule in force, with its next due time, its last run and a warning
    when its last runs all failed or it has not run for three of its intervals."""
    require_admin(request)
    out = []
    for state in schedule.job_states():
        job, last, status = state.job, state.last, state.status
        out.append(
            JobOut(
                name=job.name,
                target=job.target,
                description=str(job.description),
                when=job.when,
                rule=job.describe(),
                enabled=job.enabled,
                disabled_by_env=job.disabled_by_env,
                timeout_seconds=int(job.timeout.total_seconds()),
                next_due=state.next_due,
                last_run=None if last is None or status is None else run_out(last, status),
                warning=state.warning,
            )
        )
    return out


@router.get("/{name}/runs", response=list[RunOut], summary="A job's recent runs")
@paginated
def list_runs(request: HttpRequest, name: str) -> list[RunOut]:
    """Newest first; the last 50 runs."""
    require_admin(request)
    job = job_or_404(name)
    now = timezone.now()
    return [
        run_out(run, schedule.status_at(run, now, job.timeout)) for run in schedule.recent_runs(job)
    ]


@router.post("/{name}/run", response={202: RunOut}, summary="Run a job now")
def run_job(request: HttpRequest, name: str) -> Status[RunOut]:
    """Queues one run of the job, which the next scheduler tick claims and runs like a scheduled
    one (trigger `manual`). Asking again while it waits returns the same run; 409 while a run
    of the job is under way."""
    actor = require_admin(request)
    job = job_or_404(name)
    try:
        run = schedule.request_run(actor, job)
    except schedule.JobBusy as exc:
        raise errors.conflict(
            _("%(job)s is running now; run it again once this run has finished.") % {"job": name}
        ) from exc
    return Status(202, run_out(run, str(run.status)))
