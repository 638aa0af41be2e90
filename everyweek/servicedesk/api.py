"""The internal service desk over the JSON API, through the same services as the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import caller, require_leader, require_scope
from everyweek.api.models import TokenScope
from everyweek.api.pagination import paginated
from everyweek.api.schemas import NamedRef, PersonRef
from everyweek.people.models import Department, Person, Team
from everyweek.servicedesk import selectors, services
from everyweek.servicedesk.models import (
    InternalRequest,
    RequestStatus,
    RequestType,
    ServiceDesk,
    UpdateKind,
)
from everyweek.servicedesk.views import get_request_for_user

router = Router(tags=["service desk"])


@contextmanager
def _rules() -> Iterator[None]:
    try:
        yield
    except services.ServiceDeskError as exc:
        raise errors.conflict(str(exc)) from exc


# --- Schemas ----------------------------------------------------------------------------


class RequestTypeOut(Schema):
    id: int
    name: str
    description: str
    turnaround_minutes: int
    is_active: bool


class NoticeOut(Schema):
    id: int
    starts_on: dt.date
    ends_on: dt.date
    message: str


class DeskOut(Schema):
    id: int
    name: str
    department: NamedRef
    team: NamedRef | None
    description: str
    schedule: str
    acknowledge_within_minutes: int
    is_active: bool
    time_zone: str | None = Field(
        None, description="Of the business hours; null = around the clock."
    )
    weekly_hours: dict[str, list[list[str]]] = Field(
        default_factory=dict, description='{"0": [["09:00", "17:00"]]}, 0 = Monday.'
    )
    request_types: list[RequestTypeOut]
    notices: list[NoticeOut]


class DeskIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    department_id: int
    team_id: int | None = None
    description: str = ""
    schedule: str = ""
    acknowledge_within_minutes: int = Field(240, ge=1)
    is_active: bool = True


class RequestTypeIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    turnaround_minutes: int = Field(ge=1)
    is_active: bool = True


class NoticeIn(Schema):
    starts_on: dt.date
    ends_on: dt.date
    message: str = Field(min_length=1, max_length=300)


class UpdateOut(Schema):
    at: dt.datetime
    kind: UpdateKind
    author: PersonRef | None
    message: str


class RequestOut(Schema):
    id: int
    desk: NamedRef
    request_type: NamedRef
    requester: PersonRef
    assignee: PersonRef | None
    title: str
    description: str
    status: RequestStatus
    created_at: dt.datetime
    acknowledge_due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledgement_breached: bool
    due_at: dt.datetime | None
    resolved_at: dt.datetime | None
    on_time: bool | None
    rating: int | None
    rating_comment: str


class RequestDetailOut(RequestOut):
    updates: list[UpdateOut]


class RequestIn(Schema):
    request_type_id: int
    title: str = Field(min_length=1, max_length=200)
    description: str = ""


class MessageIn(Schema):
    message: str = ""


class ProgressIn(Schema):
    message: str = Field(min_length=1)
    waiting_on_requester: bool = False


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = ""


class AssignIn(Schema):
    assignee_id: int


class FiguresOut(Schema):
    id: int | None = Field(
        description="The team, department or desk; null for desks run by a whole department."
    )
    resolved: int
    on_time: int
    rated: int
    on_time_percent: float | None
    csat_average: float | None
    csat_percent: float | None


# --- Helpers ----------------------------------------------------------------------------


def _desk_out(desk: ServiceDesk, *, all_types: bool = False) -> dict[str, Any]:
    today = timezone.localdate()
    types = desk.request_types.all() if all_types else selectors.active_types(desk)
    return {
        "id": desk.pk,
        "name": desk.name,
        "department": desk.department,
        "team": desk.team,
        "description": desk.description,
        "schedule": desk.schedule,
        "acknowledge_within_minutes": desk.acknowledge_within_minutes,
        "is_active": desk.is_active,
        "time_zone": desk.calendar.time_zone if desk.calendar else None,
        "weekly_hours": desk.calendar.weekly_hours if desk.calendar else {},
        "request_types": list(types.order_by("name")),
        "notices": list(desk.notices.filter(ends_on__gte=today)),
    }


def _get_desk(desk_id: int) -> ServiceDesk:
    desk = (
        ServiceDesk.objects.select_related("department", "team", "calendar")
        .filter(pk=desk_id)
        .first()
    )
    if desk is None:
        raise errors.not_found()
    return desk


def _request_out(item: InternalRequest, *, timeline: bool = False) -> dict[str, Any]:
    out = {
        name: getattr(item, name)
        for name in RequestOut.model_fields
        if name not in ("desk", "request_type")
    }
    out["desk"] = {"id": item.desk_id, "name": item.desk.name}
    out["request_type"] = {"id": item.request_type_id, "name": item.request_type.name}
    if timeline:
        out["updates"] = list(item.updates.select_related("author"))
    return out


def _mine(request: HttpRequest, request_id: int) -> tuple[Person, InternalRequest]:
    actor = require_scope(request, TokenScope.WRITE)
    return actor, get_request_for_user(actor, request_id)


# --- Desks ---------------------------------------------------------------------------------


@router.get("/desks", response=list[DeskOut], summary="The desks of every department")
@paginated
def list_desks(request: HttpRequest) -> list[dict[str, Any]]:
    """What each desk does, its request types with their turnaround, and its schedule."""
    caller(request)
    desks = selectors.open_desks().select_related("calendar").order_by("name")
    return [_desk_out(d) for d in desks]


@router.get("/desks/{int:desk_id}", response=DeskOut, summary="One desk")
def get_desk(request: HttpRequest, desk_id: int) -> dict[str, Any]:
    user = caller(request)
    desk = _get_desk(desk_id)
    return _desk_out(desk, all_types=selectors.can_manage_desk(user, desk))


def _desk_fields(payload: DeskIn) -> dict[str, Any]:
    data = payload.model_dump()
    department = Department.objects.filter(pk=data.pop("department_id")).first()
    if department is None:
        raise errors.unknown_reference("department_id")
    team = None
    if (team_id := data.pop("team_id")) is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise errors.unknown_reference("team_id")
    return {**data, "department": department, "team": team}


@router.post("/desks", response={201: DeskOut}, summary="Open a desk (leaders, administrators)")
def create_desk(request: HttpRequest, payload: DeskIn) -> Status[dict[str, Any]]:
    actor = require_scope(request, TokenScope.WRITE)
    with _rules():
        desk = services.save_desk(actor=actor, **_desk_fields(payload))
    return Status(201, _desk_out(desk, all_types=True))


@router.put("/desks/{int:desk_id}", response=DeskOut, summary="Change a desk (its leaders)")
def update_desk(request: HttpRequest, desk_id: int, payload: DeskIn) -> dict[str, Any]:
    actor = require_scope(request, TokenScope.WRITE)
    desk = _get_desk(desk_id)
    if not selectors.can_manage_desk(actor, desk):
        raise errors.permission_denied()
    with _rules():
        services.save_desk(actor=actor, desk=desk, **_desk_fields(payload))
    return _desk_out(desk, all_types=True)


@router.post(
    "/desks/{int:desk_id}/request-types",
    response={201: RequestTypeOut},
    summary="Publish a request type with its turnaround",
)
def create_request_type(
    request: HttpRequest, desk_id: int, payload: RequestTypeIn
) -> Status[RequestType]:
    actor = require_scope(request, TokenScope.WRITE)
    desk = _get_desk(desk_id)
    with _rules():
        return Status(
            201, services.save_request_type(actor=actor, desk=desk, **payload.model_dump())
        )


@router.put(
    "/request-types/{int:type_id}", response=RequestTypeOut, summary="Change a request type"
)
def update_request_type(request: HttpRequest, type_id: int, payload: RequestTypeIn) -> RequestType:
    actor = require_scope(request, TokenScope.WRITE)
    item = RequestType.objects.select_related("desk").filter(pk=type_id).first()
    if item is None:
        raise errors.not_found()
    with _rules():
        return services.save_request_type(
            actor=actor, desk=item.desk, request_type=item, **payload.model_dump()
        )


@router.post(
    "/desks/{int:desk_id}/notices", response={201: NoticeOut}, summary="Publish a schedule notice"
)
def create_notice(request: HttpRequest, desk_id: int, payload: NoticeIn) -> Status[Any]:
    actor = require_scope(request, TokenScope.WRITE)
    desk = _get_desk(desk_id)
    with _rules():
        return Status(201, services.add_notice(actor=actor, desk=desk, **payload.model_dump()))


# --- Requests ------------------------------------------------------------------------------


@router.get("/requests", response=list[RequestOut], summary="Internal requests you may see")
@paginated
def list_requests(
    request: HttpRequest,
    desk: int | None = None,
    status: RequestStatus | None = None,
    mine: bool = False,
) -> list[dict[str, Any]]:
    """Your own, your desk's queue, and for leaders their people's requests."""
    user = caller(request)
    found: QuerySet[InternalRequest] = selectors.visible_requests(user).select_related(
        "desk", "request_type", "requester", "assignee"
    )
    if desk is not None:
        found = found.filter(desk_id=desk)
    if status is not None:
        found = found.filter(status=status)
    if mine:
        found = found.filter(requester=user)
    return _Lazy(found.order_by("-created_at", "-pk"))  # type: ignore[return-value]


class _Lazy:
    """Lets the paginator slice before each request is turned into a dict."""

    def __init__(self, requests: QuerySet[InternalRequest]) -> None:
        self.requests = requests

    def __len__(self) -> int:
        return self.requests.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_request_out(r) for r in self.requests[item]]


@router.post("/requests", response={201: RequestDetailOut}, summary="Ask a desk")
def create_request(request: HttpRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    """Acknowledged automatically at once (an email in your language says what to expect)."""
    actor = require_scope(request, TokenScope.WRITE)
    request_type = (
        RequestType.objects.select_related("desk").filter(pk=payload.request_type_id).first()
    )
    if request_type is None:
        raise errors.unknown_reference("request_type_id")
    with _rules():
        item = services.submit_request(
            actor=actor,
            request_type=request_type,
            title=payload.title,
            description=payload.description,
        )
    return Status(201, _request_out(get_request_for_user(actor, item.pk), timeline=True))


@router.get(
    "/requests/{int:request_id}",
    response=RequestDetailOut,
    summary="One request, with its timeline",
)
def get_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return _request_out(get_request_for_user(caller(request), request_id), timeline=True)


def _act(request: HttpRequest, request_id: int, payload: MessageIn, action: Any) -> dict[str, Any]:
    actor, item = _mine(request, request_id)
    with _rules():
        action(actor=actor, request=item, message=payload.message)
    return _request_out(item, timeline=True)


@router.post(
    "/requests/{int:request_id}/acknowledge",
    response=RequestDetailOut,
    summary="Acknowledge: a person has it (the desk)",
)
def acknowledge(request: HttpRequest, request_id: int, payload: MessageIn) -> dict[str, Any]:
    return _act(request, request_id, payload, services.acknowledge_request)


@router.post(
    "/requests/{int:request_id}/resolve", response=RequestDetailOut, summary="Resolve (the desk)"
)
def resolve(request: HttpRequest, request_id: int, payload: MessageIn) -> dict[str, Any]:
    return _act(request, request_id, payload, services.resolve_request)


@router.post(
    "/requests/{int:request_id}/reply", response=RequestDetailOut, summary="Reply (the requester)"
)
def reply(request: HttpRequest, request_id: int, payload: MessageIn) -> dict[str, Any]:
    return _act(request, request_id, payload, services.reply_as_requester)


@router.post(
    "/requests/{int:request_id}/reopen", response=RequestDetailOut, summary="Reopen (the requester)"
)
def reopen(request: HttpRequest, request_id: int, payload: MessageIn) -> dict[str, Any]:
    return _act(request, request_id, payload, services.reopen_request)


@router.post(
    "/requests/{int:request_id}/cancel",
    response=RequestDetailOut,
    summary="Cancel (the requester or the desk)",
)
def cancel(request: HttpRequest, request_id: int, payload: MessageIn) -> dict[str, Any]:
    actor, item = _mine(request, request_id)
    with _rules():
        services.cancel_request(actor=actor, request=item, reason=payload.message)
    return _request_out(item, timeline=True)


@router.post(
    "/requests/{int:request_id}/updates",
    response=RequestDetailOut,
    summary="Post progress, or a question that pauses the clock (the desk)",
)
def post_update(request: HttpRequest, request_id: int, payload: ProgressIn) -> dict[str, Any]:
    actor, item = _mine(request, request_id)
    with _rules():
        services.post_update(
            actor=actor,
            request=item,
            message=payload.message,
            waiting_on_requester=payload.waiting_on_requester,
        )
    return _request_out(item, timeline=True)


@router.post(
    "/requests/{int:request_id}/assignee", response=RequestDetailOut, summary="Hand over (the desk)"
)
def assign(request: HttpRequest, request_id: int, payload: AssignIn) -> dict[str, Any]:
    actor, item = _mine(request, request_id)
    assignee = Person.objects.filter(pk=payload.assignee_id, is_active=True).first()
    if assignee is None:
        raise errors.unknown_reference("assignee_id")
    with _rules():
        services.assign_request(actor=actor, request=item, assignee=assignee)
    return _request_out(item, timeline=True)


@router.put(
    "/requests/{int:request_id}/rating",
    response=RequestDetailOut,
    summary="Rate a resolved request, 1 to 5 (the requester)",
)
def rate(request: HttpRequest, request_id: int, payload: RatingIn) -> dict[str, Any]:
    actor, item = _mine(request, request_id)
    with _rules():
        services.rate_request(
            actor=actor, request=item, rating=payload.rating, comment=payload.comment
        )
    return _request_out(item, timeline=True)


# --- Figures -------------------------------------------------------------------------------


@router.get("/figures", response=list[FiguresOut], summary="Internal CSAT and on-time share")
def figures(
    request: HttpRequest,
    by: Literal["team", "department", "desk"] = "team",
    days: int = Query(30, ge=1, le=730),
) -> list[dict[str, Any]]:
    """Per providing team (or department, or desk), for requests resolved in the last `days`."""
    require_leader(request)
    end = timezone.now()
    start = end - dt.timedelta(days=days)
    found: dict[Any, selectors.InternalServiceFigures]
    if by == "team":
        found = dict(selectors.internal_service_by_team(start, end))
    elif by == "department":
        found = dict(selectors.internal_service_by_department(start, end))
    else:
        found = dict(selectors.internal_service_by_desk(start, end))
    return [{"id": key, **value.as_dict()} for key, value in found.items()]
