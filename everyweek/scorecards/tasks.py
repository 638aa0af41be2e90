"""Background tasks of the scorecards app. Safe to run twice."""

from __future__ import annotations

from django_tasks import task

from everyweek.scorecards import rollups


@task()
def flush_rollups() -> int:
    """Recompute rollup keys left dirty (a periodic safety net; commits normally flush at once)."""
    return rollups.flush()
