"""Helpers for background tasks (django.tasks API through the django-tasks backport)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks.base import Task

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue `task` once the surrounding transaction commits, so a worker never sees missing rows.

    Tasks take primary keys, never model instances, and must be idempotent. If the queue is
    unreachable (Redis down), the data is already committed: failing the request then would
    only hide that it succeeded, so the failure is logged and periodic sweeps (such as
    `retry_emails`) pick the work up again.
    """

    def enqueue() -> None:
        try:
            task.enqueue(*args, **kwargs)
        except Exception:
            logger.exception("Could not enqueue %s with %r %r", task.module_path, args, kwargs)

    transaction.on_commit(enqueue)


def enqueue_with_transaction(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue `task` so that it exists if and only if the surrounding transaction commits.

    - Database backend: the task row is written now, in the transaction (an outbox): a worker
      cannot see it before the commit, and a crash right after the commit cannot lose it.
    - Immediate backend (tests, `EVERYWEEK_TASK_BACKEND=immediate`): no worker to hand over to,
      so the task runs now, inside the transaction; its writes commit or roll back with the
      change that caused them.
    - Anything else (RQ): queued on commit, as `enqueue_on_commit` does.

    The task must be idempotent: it may run twice (a retried worker, a periodic sweep).
    """
    from django_tasks import task_backends
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db.backend import DatabaseBackend

    backend = task_backends[task.backend]
    if isinstance(backend, DatabaseBackend):
        _enqueue_in_database(backend, task, args, kwargs)
    elif isinstance(backend, ImmediateBackend):
        task.enqueue(*args, **kwargs)
    else:
        enqueue_on_commit(task, *args, **kwargs)


# Tasks the database backend has accepted, per backend alias: a task is a frozen module-level
# object, so what `validate_task` checks (its signature, priority) cannot change afterwards.
_VALIDATED: set[tuple[str, Task[Any, Any]]] = set()


def _enqueue_in_database(
    backend: Any, task: Task[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """`DatabaseBackend.enqueue`, minus its per-call costs: the task is validated once per
    process (inspecting its signature each time cost ~0.3 ms) and the row is written with one
    prepared INSERT (`fastsql.insert`) instead of `objects.create`. The row's content is that
    of `DatabaseBackend._task_to_db_task` (django-tasks-db is pinned to 0.13, and
    core/tests/test_fastsql.py compares the two rows), and `task_enqueued` is still sent."""
    from django_tasks.signals import task_enqueued
    from django_tasks.utils import normalize_json
    from django_tasks_db.models import DBTaskResult

    from everyweek.core import fastsql

    key = (backend.alias, task)
    if key not in _VALIDATED:
        backend.validate_task(task)
        _VALIDATED.add(key)
    if backend.options.get("id_function"):
        # A custom id scheme: the backend's own (slower) write, so its ids stay its own.
        row = backend._task_to_db_task(task, args, kwargs)
    else:
        row = DBTaskResult(
            id=DBTaskResult._meta.pk.get_default(),  # type: ignore[union-attr]
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,  # type: ignore[misc]  # None: the pre_save receiver sets it
            backend_name=backend.alias,
        )
        fastsql.insert(row)
    task_enqueued.send(type(backend), task_result=row.task_result)
