"""Background tasks of the scorecards app. Safe to run twice."""

from __future__ import annotations

from django_tasks import task

from everyweek.scorecards import rollups


@task()
def flush_rollups() -> int:
    """Recompute rollup keys left dirty: enqueued after each commit that marks some, and safe to
    run periodically as a safety net."""
    return rollups.flush()
