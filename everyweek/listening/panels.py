"""The listening panel of the home page: your next sessions and the impediments you follow."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.listening.models import (
    CLOSED_ACTION_STATUSES,
    ActionItem,
    ListeningSession,
    SessionStatus,
)


def listening_panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    person = request.user
    sessions = list(
        ListeningSession.objects.filter(
            Q(participants__person=person) | Q(leader=person),
            status=SessionStatus.PLANNED,
            starts_at__gte=timezone.now(),
        )
        .select_related("leader")
        .distinct()
        .order_by("starts_at")[:3]
    )
    actions = list(
        ActionItem.objects.filter(Q(owner=person) | Q(raised_by=person))
        .exclude(status__in=CLOSED_ACTION_STATUSES)
        .distinct()
        .order_by("due_on")[:5]
    )
    if not sessions and not actions:
        return None
    return {"sessions": sessions, "actions": actions}
