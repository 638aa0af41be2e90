"""Reads of the internal service desk: who may see what, and the figures scorecards show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils.functional import Promise

from everyweek.core.access import WIDE_ROLES, is_admin, is_leader, person_scope
from everyweek.people.models import Person, Role
from everyweek.servicedesk.models import InternalRequest, RequestType, ServiceDesk


def member_condition(user: Any, prefix: str = "") -> Q:
    """Desks `user` answers for: their team's, or their department's when a desk has no team."""
    q = Q(pk__in=[])
    if user.team_id:
        q |= Q(**{f"{prefix}team_id": user.team_id})
    if user.department_id:
        q |= Q(**{f"{prefix}team__isnull": True, f"{prefix}department_id": user.department_id})
    if user.role == Role.MANAGER and user.department_id:
        q |= Q(**{f"{prefix}department_id": user.department_id})
    return q


def is_desk_member(user: Any, desk: ServiceDesk) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_admin(user):
        return True
    # The same rule as member_condition(), in Python so an unsaved desk can be checked too.
    if desk.team_id:
        return user.team_id == desk.team_id or (
            user.role == Role.MANAGER and user.department_id == desk.department_id
        )
    return bool(user.department_id) and user.department_id == desk.department_id


def can_manage_desk(user: Any, desk: ServiceDesk | None) -> bool:
    """Administrators, and the leaders of the team or department that runs the desk."""
    if is_admin(user):
        return True
    if desk is None or not is_leader(user):
        return False
    return is_desk_member(user, desk) and user.role in (Role.LEAD, Role.MANAGER)


def desk_members(desk: ServiceDesk) -> QuerySet[Person]:
    people = Person.objects.filter(is_active=True)
    if desk.team_id:
        return people.filter(team_id=desk.team_id)
    return people.filter(department_id=desk.department_id)


def desk_leaders(desk: ServiceDesk) -> QuerySet[Person]:
    """Who hears about late acknowledgements: the team's leads, else the department's managers."""
    people = Person.objects.filter(is_active=True)
    if desk.team_id:
        leads = people.filter(team_id=desk.team_id, role=Role.LEAD)
        if leads.exists():
            return leads
    return people.filter(department_id=desk.department_id, role=Role.MANAGER)


def visible_requests(user: Any) -> QuerySet[InternalRequest]:
    """Your own requests, your desks' queue, and for leaders their people's requests."""
    requests = InternalRequest.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return requests.none()
    if user.role in WIDE_ROLES:
        return requests
    condition = Q(requester=user) | member_condition(user, "desk__")
    if is_leader(user):
        condition |= person_scope(user, "requester")
    return requests.filter(condition)


def open_desks() -> QuerySet[ServiceDesk]:
    return ServiceDesk.objects.filter(is_active=True).select_related("department", "team")


def active_types(desk: ServiceDesk) -> QuerySet[RequestType]:
    return desk.request_types.filter(is_active=True).order_by("name")


# --- Figures for scorecards -----------------------------------------------------------------


@dataclass
class InternalServiceFigures:
    """Requests resolved in a period, how many on time, and the requesters' ratings (1-5)."""

    resolved: int = 0
    on_time: int = 0
    rated: int = 0
    rating_sum: int = 0
    satisfied: int = 0  # rated 4 or 5

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.resolved, 1) if self.resolved else None

    @property
    def csat_average(self) -> float | None:
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    @property
    def csat_percent(self) -> float | None:
        """The usual CSAT: the share of ratings that are 4 or 5."""
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "resolved": self.resolved,
            "on_time": self.on_time,
            "rated": self.rated,
            "on_time_percent": self.on_time_percent,
            "csat_average": self.csat_average,
            "csat_percent": self.csat_percent,
        }


def _aggregates() -> dict[str, Any]:
    return {
        "resolved": Count("pk"),
        "on_time": Count("pk", filter=Q(on_time=True)),
        "rated": Count("rating"),
        "rating_sum": Coalesce(Sum("rating"), 0),
        "satisfied": Count("pk", filter=Q(rating__gte=4)),
    }


def _from_row(row: dict[str, Any]) -> InternalServiceFigures:
    return InternalServiceFigures(
        resolved=row["resolved"],
        on_time=row["on_time"],
        rated=row["rated"],
        rating_sum=row["rating_sum"],
        satisfied=row["satisfied"],
    )


def _figures(
    group_by: str,
    start: dt.datetime,
    end: dt.datetime,
    ids: Iterable[int] | None = None,
    where: Q | None = None,
) -> dict[Any, InternalServiceFigures]:
    requests = InternalRequest.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
    if ids is not None:
        requests = requests.filter(**{f"{group_by}__in": list(ids)})
    if where is not None:
        requests = requests.filter(where)
    rows = requests.values(group_by).annotate(**_aggregates()).order_by()
    return {row[group_by]: _from_row(row) for row in rows}


def internal_service_grouped(
    group_by: str, start: dt.datetime, end: dt.datetime, where: Q
) -> dict[Any, InternalServiceFigures]:
    """The figures of the requests matching `where`, per `group_by` (a scorecard's members)."""
    return _figures(group_by, start, end, where=where)


def internal_service_by_day(
    start: dt.datetime, end: dt.datetime, where: Q
) -> dict[dt.date, InternalServiceFigures]:
    """Per UTC day of resolution, like the scorecard rollups, so any period adds up (one query)."""
    rows = (
        InternalRequest.objects.filter(where, resolved_at__gte=start, resolved_at__lt=end)
        .annotate(day=TruncDate("resolved_at", tzinfo=dt.UTC))
        .values("day")
        .annotate(**_aggregates())
        .order_by()
    )
    return {row["day"]: _from_row(row) for row in rows}


def internal_service_by_team(
    start: dt.datetime, end: dt.datetime, team_ids: Iterable[int] | None = None
) -> dict[int | None, InternalServiceFigures]:
    """Per providing team (the desk's team; None for desks run by a whole department).

    One grouped query; ready for the scorecards to show beside customer CSAT.
    """
    return _figures("desk__team_id", start, end, team_ids)


def internal_service_by_department(
    start: dt.datetime, end: dt.datetime, department_ids: Iterable[int] | None = None
) -> dict[int, InternalServiceFigures]:
    return _figures("desk__department_id", start, end, department_ids)


def internal_service_by_desk(
    start: dt.datetime, end: dt.datetime, desk_ids: Iterable[int] | None = None
) -> dict[int, InternalServiceFigures]:
    return _figures("desk_id", start, end, desk_ids)


def internal_service_by_person(
    start: dt.datetime, end: dt.datetime, person_ids: Iterable[int] | None = None
) -> dict[int, InternalServiceFigures]:
    """Per person who handled the requests (the assignee), for the career path's criteria."""
    return _figures("assignee_id", start, end, person_ids)


def acknowledgement_figures(
    desk_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, dict[str, int]]:
    """Per desk: requests received in the period and how many were acknowledged late."""
    rows = (
        InternalRequest.objects.filter(
            desk_id__in=list(desk_ids), created_at__gte=start, created_at__lt=end
        )
        .values("desk_id")
        .annotate(received=Count("pk"), late=Count("pk", filter=Q(acknowledgement_breached=True)))
        .order_by()
    )
    return {row["desk_id"]: {"received": row["received"], "late": row["late"]} for row in rows}


# --- Rising needs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RisingItem:
    label: str | Promise  # lazy for customer topics: named in each recipient's language
    this_week: int
    last_week: int

    @property
    def change(self) -> int:
        return self.this_week - self.last_week


def rising_request_types(
    desk_ids: Iterable[int], week_start: dt.datetime, *, minimum: int = 2
) -> list[RisingItem]:
    """Request types received more in the week from `week_start` than in the week before.

    `minimum` keeps one-off blips (0 -> 1) out of the digest.
    """
    previous = week_start - dt.timedelta(days=7)
    end = week_start + dt.timedelta(days=7)
    rows = (
        InternalRequest.objects.filter(
            desk_id__in=list(desk_ids), created_at__gte=previous, created_at__lt=end
        )
        .values("request_type__name", "desk__name")
        .annotate(
            this_week=Count("pk", filter=Q(created_at__gte=week_start)),
            last_week=Count("pk", filter=Q(created_at__lt=week_start)),
        )
        .order_by()
    )
    items = [
        RisingItem(row["request_type__name"], row["this_week"], row["last_week"])
        for row in rows
        if row["this_week"] >= minimum and row["this_week"] > row["last_week"]
    ]
    return sorted(items, key=lambda i: (-i.change, -i.this_week, i.label))
