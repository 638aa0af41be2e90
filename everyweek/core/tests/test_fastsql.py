"""`fastsql.insert` stores what the ORM stores; the prepared task row is the backend's own."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db.models.signals import post_save, pre_save
from django_tasks_db.models import DBTaskResult

from everyweek.core import audit, fastsql
from everyweek.core.models import AuditEvent
from everyweek.core.tasks import enqueue_with_transaction
from everyweek.feedback import tasks
from everyweek.scorecards.models import DirtyDay

pytestmark = pytest.mark.django_db

# Columns set at the time of writing or by the database, so they differ between two rows.
MOMENT = {"id", "at", "enqueued_at"}


def _columns(row: Any) -> dict[str, Any]:
    return {
        f.attname: getattr(row, f.attname)
        for f in type(row)._meta.concrete_fields
        if f.attname not in MOMENT
    }


def test_an_audit_row_is_stored_as_the_orm_stores_it(org: Any) -> None:
    event = audit.record(org.alice, "survey.answer", org.alice, {"nps": 9, "tags": ("a", "b")})
    assert event.pk is not None and event.at is not None
    stored = AuditEvent.objects.get(pk=event.pk)
    orm = AuditEvent.objects.create(
        actor=org.alice,
        action="survey.answer",
        target_type="people.person",
        target_id=str(org.alice.pk),
        target_repr=str(org.alice)[:200],
        changes={"nps": 9, "tags": ["a", "b"]},
    )
    assert _columns(stored) == _columns(AuditEvent.objects.get(pk=orm.pk))
    assert stored.at == event.at


def test_the_task_row_is_the_database_backends_own(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks.after_answer.enqueue(7)
    enqueue_with_transaction(tasks.after_answer, 7)
    enqueue_with_transaction(tasks.after_answer, 7)  # validated once, written each time
    rows = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert len(rows) == 3 and len({r.pk for r in rows}) == 3
    assert _columns(rows[1]) == _columns(rows[0]) == _columns(rows[2])
    assert rows[1].task_result.args == [7]


def test_save_signals_are_sent(org: Any) -> None:
    seen: list[str] = []

    def before(sender: Any, instance: AuditEvent, **kwargs: Any) -> None:
        seen.append(f"pre {instance.pk}")
        instance.target_repr = "changed before saving"

    def after(sender: Any, instance: AuditEvent, created: bool, **kwargs: Any) -> None:
        seen.append(f"post {created} {instance.pk is not None}")

    pre_save.connect(before, sender=AuditEvent)
    post_save.connect(after, sender=AuditEvent)
    try:
        event = AuditEvent(action="x")
        fastsql.insert(event)
    finally:
        pre_save.disconnect(before, sender=AuditEvent)
        post_save.disconnect(after, sender=AuditEvent)
    assert seen == ["pre None", "post True True"]
    assert AuditEvent.objects.get(pk=event.pk).target_repr == "changed before saving"


FIXED_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")


def fixed_id() -> uuid.UUID:
    return FIXED_ID


def test_a_custom_id_function_keeps_the_backends_own_write(settings: Any) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "OPTIONS": {"id_function": "everyweek.core.tests.test_fastsql.fixed_id"},
        }
    }
    enqueue_with_transaction(tasks.after_answer, 7)
    assert [r.pk for r in DBTaskResult.objects.all()] == [FIXED_ID]


def test_insert_many_stores_what_bulk_create_stores() -> None:
    day = dt.date(2026, 3, 29)
    fastsql.insert_many(DirtyDay, ("agent_id_value", "team_id_value", "day"), [(1, None, day)])
    fastsql.insert_many(DirtyDay, ("agent_id_value", "team_id_value", "day"), [])  # nothing
    DirtyDay.objects.bulk_create([DirtyDay(agent_id_value=1, team_id_value=None, day=day)])
    rows = list(
        DirtyDay.objects.order_by("pk").values_list("agent_id_value", "team_id_value", "day")
    )
    assert rows == [(1, None, day), (1, None, day)]
