"""The "Scheduled jobs" pages: what the scheduler runs, how its last runs went, "run now"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from everyweek.core import schedule
from everyweek.core.decorators import admin_required
from everyweek.core.models import RunStatus, ScheduledRun


def format_duration(value: dt.timedelta | None) -> str:
    if value is None:
        return ""
    seconds = value.total_seconds()
    if seconds < 60:
        return _("%(seconds).1f s") % {"seconds": seconds}
    minutes, rest = divmod(int(seconds), 60)
    return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}


def run_row(run: ScheduledRun, status: str) -> dict[str, Any]:
    return {
        "run": run,
        "status": status,
        "status_label": RunStatus(status).label,
        "duration": format_duration(run.duration),
        "excerpt": schedule.error_excerpt(run.error),
    }


def get_job_or_404(name: str) -> schedule.Job:
    job = schedule.get_job(name)
    if job is None:
        raise Http404
    return job


@admin_required
def job_list(request: HttpRequest) -> HttpResponse:
    rows = []
    for state in schedule.job_states():
        last, status = state.last, state.status
        rows.append(
            {
                "state": state,
                "job": state.job,
                "rule": state.job.describe(),
                "last": None if last is None or status is None else run_row(last, status),
                "warning": state.warning,
            }
        )
    return render(request, "core/schedule_list.html", {"rows": rows})


@admin_required
def job_runs(request: HttpRequest, name: str) -> HttpResponse:
    job = get_job_or_404(name)
    now = timezone.now()
    rows = [
        run_row(run, schedule.status_at(run, now, job.timeout)) for run in schedule.recent_runs(job)
    ]
    return render(
        request,
        "core/schedule_runs.html",
        {"job": job, "rule": job.describe(), "rows": rows, "limit": schedule.RECENT_RUNS},
    )


@require_POST
@admin_required
def run_now(request: HttpRequest, name: str) -> HttpResponse:
    job = get_job_or_404(name)
    try:
        schedule.request_run(request.user, job)
    except schedule.JobBusy:
        messages.error(
            request,
            _("%(job)s is running now; run it again once this run has finished.") % {"job": name},
        )
    else:
        messages.success(
            request,
            _("%(job)s is queued; a scheduler runs it within a few seconds.") % {"job": name},
        )
    next_url = reverse("scheduled-job-runs", args=[name])
    if request.POST.get("next") == "list":
        next_url = reverse("scheduled-jobs")
    return HttpResponseRedirect(next_url)
