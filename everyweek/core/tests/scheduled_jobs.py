"""Tasks for the scheduler's tests: one that records each call, one that always fails."""

from __future__ import annotations

from django_tasks import task

from everyweek.core.models import AuditEvent


@task()
def record_call() -> str:
    AuditEvent.objects.create(action="test.scheduled_call")
    return "called"


@task()
def fail() -> str:
    raise RuntimeError("the job broke")
