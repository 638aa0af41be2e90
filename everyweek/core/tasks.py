"""Helpers for background tasks (django.tasks API through the django-tasks backport)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks.base import Task


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue `task` once the surrounding transaction commits, so a worker never sees missing rows.

    Tasks take primary keys, never model instances, and must be idempotent.
    """
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
