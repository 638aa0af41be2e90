"""The service desk panel of the home page: your open requests and your desk's waiting ones."""

from __future__ import annotations

from typing import Any

from everyweek.core.access import is_admin
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.servicedesk.models import OPEN_STATUSES, InternalRequest, ServiceDesk
from everyweek.servicedesk.selectors import member_condition


def servicedesk_panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    person = request.user
    mine = list(
        InternalRequest.objects.filter(requester=person, status__in=OPEN_STATUSES)
        .select_related("desk")
        .order_by("-created_at")[:5]
    )
    desks = (
        []
        if is_admin(person)
        else list(ServiceDesk.objects.filter(member_condition(person), is_active=True))
    )
    unacknowledged = (
        InternalRequest.objects.filter(
            desk__in=desks, status__in=OPEN_STATUSES, acknowledged_at__isnull=True
        ).count()
        if desks
        else 0
    )
    if not mine and not desks:
        return None
    return {"mine": mine, "desks": desks, "unacknowledged": unacknowledged}
