"""Background tasks of the integrations app. They take primary keys and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from everyweek.env import envint
from everyweek.integrations import services


@task()
def run_import(job_id: int) -> str:
    """Run one uploaded import; a job already finished or running is left alone."""
    job = services.run_import_job(job_id)
    return job.status if job is not None else "missing"


@task()
def purge_webhook_payloads() -> int:
    """Blank webhook bodies older than EVERYWEEK_WEBHOOK_RETENTION_DAYS (30 by default)."""
    return services.purge_webhook_payloads(days=envint("EVERYWEEK_WEBHOOK_RETENTION_DAYS", 30))


@task()
def purge_import_files() -> int:
    """Delete the files of imports finished more than EVERYWEEK_IMPORT_RETENTION_DAYS ago (30)."""
    return services.purge_import_files(days=envint("EVERYWEEK_IMPORT_RETENTION_DAYS", 30))
