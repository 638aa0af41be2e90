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
