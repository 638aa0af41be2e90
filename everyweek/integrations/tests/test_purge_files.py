"""Uploaded import files are deleted after their retention; the jobs and their counts stay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.core.schedule import jobs
from everyweek.integrations import services, tasks
from everyweek.integrations.models import ImportJob, ImportKind, ImportStatus
from everyweek.scorecards.models import InteractionImport


def test_files_of_old_finished_imports_are_deleted_and_the_jobs_kept(
    org: Org, make_integration: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    now = timezone.now()
    integration = make_integration("generic")

    def survey_job(status: str, days_ago: int) -> ImportJob:
        job = ImportJob(integration=integration, kind=ImportKind.SPREADSHEET, status=status)
        job.file.save("answers.csv", ContentFile(b"Response ID\n1\n"), save=False)
        job.finished_at = now - dt.timedelta(days=days_ago)
        job.created = 7
        job.save()
        return job

    old, recent, failed = survey_job("done", 40), survey_job("done", 5), survey_job("failed", 40)
    interactions = InteractionImport(
        source="crm", status=ImportStatus.DONE, finished_at=now - dt.timedelta(days=31)
    )
    interactions.file.save("tickets.csv", ContentFile(b"id\n"), save=True)
    paths = {job: Path(job.file.path) for job in (old, recent, failed, interactions)}

    assert services.purge_import_files(days=30, now=now) == 2

    for job in (old, recent, failed, interactions):
        job.refresh_from_db()
    assert not old.file and not interactions.file
    assert not paths[old].exists() and not paths[interactions].exists()
    assert old.created == 7  # the job and its counts stay
    # A recent import keeps its file, and a failed one too: it can be run again.
    assert recent.file and paths[recent].exists() and failed.file and paths[failed].exists()
    assert AuditEvent.objects.filter(action="import.purge_files").count() == 1
    assert services.purge_import_files(days=30, now=now) == 0  # nothing twice


def test_the_purge_runs_daily_from_the_schedule(org: Org) -> None:
    [job] = [j for j in jobs() if j.name == "purge_import_files"]
    assert job.target == "task:everyweek.integrations.tasks.purge_import_files"
    assert tasks.purge_import_files.call() == 0
