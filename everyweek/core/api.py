"""The audit trail over the JSON API, for administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema

from everyweek.api.auth import require_admin
from everyweek.api.pagination import paginated
from everyweek.api.schemas import PersonRef
from everyweek.core.models import AuditEvent

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor: PersonRef | None
    action: str
    target_type: str
    target_id: str
    target_repr: str
    changes: dict[str, Any]


@router.get("", response=list[AuditEventOut], summary="The audit trail (administrators)")
@paginated
def list_audit_events(
    request: HttpRequest,
    action: str = "",
    actor: int | None = None,
    target_type: str = "",
    target_id: str = "",
    since: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Newest first. `action` matches a prefix, so `person.` lists every change to people."""
    require_admin(request)
    events = AuditEvent.objects.select_related("actor")
    if action := action.strip():
        events = events.filter(action__startswith=action)
    if actor is not None:
        events = events.filter(actor_id=actor)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if since is not None:
        events = events.filter(at__gte=since)
    return events.order_by("-at", "-id")
