"""The audit trail: every service function that writes calls `record()` inside its transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from everyweek.core import fastsql
from everyweek.core.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def diff(instance: models.Model, new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """Field -> [old, new] for the values that actually change."""
    changes: dict[str, list[Any]] = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def record(
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        actor=actor_obj,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
    )
    # One prepared INSERT: the ORM's create() compiles its statement anew on every call, which
    # cost about a sixth of a survey answer's CPU (docs/benchmarks.md).
    fastsql.insert(event)
    return event
