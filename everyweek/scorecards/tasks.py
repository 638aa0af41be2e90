"""Background tasks of the scorecards app. Safe to run twice."""

from __future__ import annotations

from django_tasks import task

from everyweek.scorecards import rollups, services


@task()
def flush_rollups() -> int:
    """Recompute rollup keys left dirty: enqueued after each commit that marks some, and safe to
    run periodically as a safety net."""
    return rollups.flush()


@task()
def run_interaction_import(job_id: int) -> str:
    """Run one uploaded interactions CSV; a job already running or finished is left alone."""
    job = services.run_interaction_import(job_id)
    return job.status if job is not None else "missing"
