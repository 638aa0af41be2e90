"""Every write of the internal service desk: atomic, audited, emails sent on commit.

The clock is the desk's business calendar (everyweek.feedback.calendars): acknowledgement and
turnaround deadlines are business minutes after arrival, and time spent waiting on the
requester is taken out of the turnaround, as service standards do for customers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.core import audit
from everyweek.feedback.calendars import Clock, clock_for
from everyweek.notifications.services import send_email
from everyweek.people.models import Person
from everyweek.servicedesk import selectors
from everyweek.servicedesk.models import (
    OPEN_STATUSES,
    DeskNotice,
    InternalRequest,
    RequestStatus,
    RequestType,
    RequestUpdate,
    ServiceDesk,
    UpdateKind,
)


class ServiceDeskError(ValueError):
    """A request that breaks a rule of the desk, with a message for the person."""


def desk_clock(desk: ServiceDesk) -> Clock:
    return clock_for(desk.calendar)


def _deadline(clock: Clock, start: dt.datetime, minutes: float) -> dt.datetime:
    # A calendar that is never open has no deadline; fall back to the wall clock then.
    return clock.add_minutes(start, minutes) or start + dt.timedelta(minutes=minutes)


def _update(
    request: InternalRequest, kind: str, author: Person | None, message: str = "", at: Any = None
) -> RequestUpdate:
    return RequestUpdate.objects.create(
        request=request, kind=kind, author=author, message=message, at=at or timezone.now()
    )


def _tell_requester(request: InternalRequest, template: str, **context: Any) -> None:
    if request.requester.is_active:
        send_email(
            to=request.requester,
            template=f"servicedesk/email/{template}",
            context={"request": request, "desk": request.desk, **context},
        )


# --- Desks, request types, notices ------------------------------------------------------------

DESK_FIELDS = (
    "name",
    "department",
    "team",
    "description",
    "calendar",
    "schedule",
    "acknowledge_within_minutes",
    "is_active",
)


@transaction.atomic
def save_desk(*, actor: Person, desk: ServiceDesk | None = None, **fields: Any) -> ServiceDesk:
    """Create or change a desk. Leaders may only run desks in their own team or department."""
    unknown = set(fields) - set(DESK_FIELDS)
    if unknown:
        raise TypeError(f"Unknown desk fields: {sorted(unknown)}")
    candidate = desk or ServiceDesk()
    changes = audit.diff(candidate, fields) if desk else dict(fields)
    for name, value in fields.items():
        setattr(candidate, name, value)
    team = candidate.team if candidate.team_id else None
    if team is not None and team.department_id != candidate.department_id:
        raise ServiceDeskError(_("This team belongs to another department."))
    if not selectors.can_manage_desk(actor, candidate) or (
        desk is not None and not selectors.can_manage_desk(actor, desk)
    ):
        raise ServiceDeskError(_("Only the desk's leaders or an administrator can change it."))
    candidate.full_clean()
    candidate.save()
    audit.record(
        actor, "servicedesk.desk.update" if desk else "servicedesk.desk.create", candidate, changes
    )
    return candidate


@transaction.atomic
def save_request_type(
    *,
    actor: Person,
    desk: ServiceDesk,
    request_type: RequestType | None = None,
    name: str,
    turnaround_minutes: int,
    description: str = "",
    is_active: bool = True,
) -> RequestType:
    if not selectors.can_manage_desk(actor, desk):
        raise ServiceDeskError(_("Only the desk's leaders or an administrator can change it."))
    values = {
        "name": name,
        "turnaround_minutes": turnaround_minutes,
        "description": description,
        "is_active": is_active,
    }
    item = request_type or RequestType(desk=desk)
    changes = audit.diff(item, values) if request_type else values
    for field, value in values.items():
        setattr(item, field, value)
    item.full_clean()
    item.save()
    audit.record(
        actor,
        "servicedesk.type.update" if request_type else "servicedesk.type.create",
        item,
        changes,
    )
    return item


@transaction.atomic
def add_notice(
    *, actor: Person, desk: ServiceDesk, starts_on: dt.date, ends_on: dt.date, message: str
) -> DeskNotice:
    """Publish a change to the usual schedule ("quarter close: urgent requests only")."""
    if not selectors.can_manage_desk(actor, desk):
        raise ServiceDeskError(_("Only the desk's leaders or an administrator can change it."))
    if ends_on < starts_on:
        raise ServiceDeskError(_("The notice must end on or after the day it starts."))
    notice = DeskNotice.objects.create(
        desk=desk, starts_on=starts_on, ends_on=ends_on, message=message
    )
    audit.record(
        actor, "servicedesk.notice.create", notice, {"starts_on": starts_on, "ends_on": ends_on}
    )
    return notice


@transaction.atomic
def remove_notice(*, actor: Person, notice: DeskNotice) -> None:
    if not selectors.can_manage_desk(actor, notice.desk):
        raise ServiceDeskError(_("Only the desk's leaders or an administrator can change it."))
    audit.record(actor, "servicedesk.notice.delete", notice)
    notice.delete()


# --- Requests ----------------------------------------------------------------------------------


@transaction.atomic
def submit_request(
    *,
    actor: Person,
    request_type: RequestType,
    title: str,
    description: str = "",
    now: dt.datetime | None = None,
) -> InternalRequest:
    """A colleague asks a desk. It is acknowledged automatically at once, by email in their
    language, with the turnaround they may expect and when a person will have confirmed it."""
    desk = request_type.desk
    if not desk.is_active or not request_type.is_active:
        raise ServiceDeskError(_("This desk does not take this kind of request at the moment."))
    now = now or timezone.now()
    clock = desk_clock(desk)
    request = InternalRequest.objects.create(
        desk=desk,
        request_type=request_type,
        requester=actor,
        title=title,
        description=description,
        created_at=now,
        auto_acknowledged_at=now,
        acknowledge_due_at=_deadline(clock, now, desk.acknowledge_within_minutes),
        due_at=_deadline(clock, now, request_type.turnaround_minutes),
    )
    _update(request, UpdateKind.CREATED, actor, description, at=now)
    _update(request, UpdateKind.AUTO_ACK, None, at=now)
    audit.record(actor, "servicedesk.request.submit", request, {"request_type": request_type})
    _tell_requester(request, "received")
    return request


def _require_member(actor: Person, request: InternalRequest) -> None:
    if not selectors.is_desk_member(actor, request.desk):
        raise ServiceDeskError(_("Only the people of the desk can do this."))


def _acknowledge(actor: Person, request: InternalRequest, now: dt.datetime) -> None:
    """The first word from a person; late if after the desk's acknowledgement standard."""
    if request.acknowledged_at is not None:
        return
    request.acknowledged_at = now
    request.acknowledged_by = actor
    if request.acknowledge_due_at and now > request.acknowledge_due_at:
        request.acknowledgement_breached = True
    if request.assignee_id is None:
        request.assignee = actor


@transaction.atomic
def acknowledge_request(
    *, actor: Person, request: InternalRequest, message: str = "", now: dt.datetime | None = None
) -> InternalRequest:
    _require_member(actor, request)
    if not request.is_open:
        raise ServiceDeskError(_("This request is already closed."))
    if request.acknowledged_at is not None:
        raise ServiceDeskError(_("Someone has already acknowledged this request."))
    now = now or timezone.now()
    _acknowledge(actor, request, now)
    if request.status == RequestStatus.NEW:
        request.status = RequestStatus.ACKNOWLEDGED
    request.save()
    _update(request, UpdateKind.ACKNOWLEDGED, actor, message, at=now)
    audit.record(
        actor,
        "servicedesk.request.acknowledge",
        request,
        {"late": request.acknowledgement_breached},
    )
    _tell_requester(request, "acknowledged", message=message, by=actor)
    return request


@transaction.atomic
def assign_request(*, actor: Person, request: InternalRequest, assignee: Person) -> InternalRequest:
    _require_member(actor, request)
    if not selectors.is_desk_member(assignee, request.desk):
        raise ServiceDeskError(_("Requests can only be handed to people of the desk."))
    changes = audit.diff(request, {"assignee": assignee})
    request.assignee = assignee
    request.save(update_fields=["assignee"])
    audit.record(actor, "servicedesk.request.assign", request, changes)
    return request


def _resume(request: InternalRequest, clock: Clock, now: dt.datetime) -> None:
    """End a wait on the requester: the wait is paused time, so the due date moves on."""
    if request.waiting_since is None:
        return
    request.paused_minutes += clock.minutes_between(request.waiting_since, now)
    request.waiting_since = None
    request.due_at = _deadline(
        clock, request.created_at, request.request_type.turnaround_minutes + request.paused_minutes
    )


@transaction.atomic
def post_update(
    *,
    actor: Person,
    request: InternalRequest,
    message: str,
    waiting_on_requester: bool = False,
    now: dt.datetime | None = None,
) -> InternalRequest:
    """A progress update from the desk, or a question that pauses the clock until answered.

    Either one acknowledges the request if nobody had yet: the requester heard from a person.
    """
    _require_member(actor, request)
    if not request.is_open:
        raise ServiceDeskError(_("This request is already closed."))
    if not message.strip():
        raise ServiceDeskError(_("Write what changed."))
    now = now or timezone.now()
    clock = desk_clock(request.desk)
    first_word = request.acknowledged_at is None
    _acknowledge(actor, request, now)
    previous = request.status
    if waiting_on_requester:
        if request.waiting_since is None:
            request.waiting_since = now
        request.status = RequestStatus.WAITING
    else:
        _resume(request, clock, now)
        request.status = RequestStatus.IN_PROGRESS
    request.save()
    if first_word:
        _update(request, UpdateKind.ACKNOWLEDGED, actor, at=now)
    kind = UpdateKind.WAITING if waiting_on_requester else UpdateKind.PROGRESS
    _update(request, kind, actor, message, at=now)
    audit.record(
        actor, "servicedesk.request.update", request, {"status": [previous, request.status]}
    )
    _tell_requester(request, "update", message=message, by=actor, waiting=waiting_on_requester)
    return request


@transaction.atomic
def reply_as_requester(
    *, actor: Person, request: InternalRequest, message: str, now: dt.datetime | None = None
) -> InternalRequest:
    """The requester answers (or adds something); a wait on them ends and the clock runs again."""
    if actor.pk != request.requester_id:
        raise ServiceDeskError(_("Only the person who asked can reply here."))
    if not request.is_open:
        raise ServiceDeskError(_("This request is already closed."))
    if not message.strip():
        raise ServiceDeskError(_("Write your reply."))
    now = now or timezone.now()
    previous = request.status
    if request.status == RequestStatus.WAITING:
        _resume(request, desk_clock(request.desk), now)
        request.status = RequestStatus.IN_PROGRESS
        request.save()
    _update(request, UpdateKind.REPLY, actor, message, at=now)
    audit.record(
        actor, "servicedesk.request.reply", request, {"status": [previous, request.status]}
    )
    assignee = request.assignee
    if assignee is not None and assignee.pk != actor.pk and assignee.is_active:
        send_email(
            to=assignee,
            template="servicedesk/email/reply",
            context={"request": request, "message": message},
        )
    return request


@transaction.atomic
def resolve_request(
    *, actor: Person, request: InternalRequest, message: str, now: dt.datetime | None = None
) -> InternalRequest:
    """Done. The business minutes it took (less the waits) decide whether it was on time."""
    _require_member(actor, request)
    if not request.is_open:
        raise ServiceDeskError(_("This request is already closed."))
    now = now or timezone.now()
    clock = desk_clock(request.desk)
    first_word = request.acknowledged_at is None
    _acknowledge(actor, request, now)
    _resume(request, clock, now)
    previous = request.status
    request.status = RequestStatus.RESOLVED
    request.resolved_at = now
    request.resolution_minutes = max(
        clock.minutes_between(request.created_at, now) - request.paused_minutes, 0.0
    )
    request.on_time = request.resolution_minutes <= request.request_type.turnaround_minutes
    request.save()
    if first_word:
        _update(request, UpdateKind.ACKNOWLEDGED, actor, at=now)
    _update(request, UpdateKind.RESOLVED, actor, message, at=now)
    audit.record(
        actor,
        "servicedesk.request.resolve",
        request,
        {"status": [previous, request.status], "on_time": request.on_time},
    )
    _tell_requester(request, "resolved", message=message, by=actor)
    return request


@transaction.atomic
def cancel_request(*, actor: Person, request: InternalRequest, reason: str = "") -> InternalRequest:
    if actor.pk != request.requester_id and not selectors.is_desk_member(actor, request.desk):
        raise ServiceDeskError(_("Only the requester or the desk can cancel this request."))
    if not request.is_open:
        raise ServiceDeskError(_("This request is already closed."))
    previous = request.status
    request.status = RequestStatus.CANCELLED
    request.waiting_since = None
    request.save()
    _update(request, UpdateKind.CANCELLED, actor, reason)
    audit.record(
        actor, "servicedesk.request.cancel", request, {"status": [previous, request.status]}
    )
    return request


@transaction.atomic
def reopen_request(*, actor: Person, request: InternalRequest, message: str) -> InternalRequest:
    """The requester was not helped after all; the outcome and any rating are cleared."""
    if actor.pk != request.requester_id:
        raise ServiceDeskError(_("Only the person who asked can reopen the request."))
    if request.status != RequestStatus.RESOLVED:
        raise ServiceDeskError(_("Only a resolved request can be reopened."))
    request.status = RequestStatus.IN_PROGRESS
    request.resolved_at = None
    request.resolution_minutes = None
    request.on_time = None
    request.rating = None
    request.rating_comment = ""
    request.rated_at = None
    request.save()
    _update(request, UpdateKind.REOPENED, actor, message)
    audit.record(
        actor, "servicedesk.request.reopen", request, {"status": ["resolved", "in_progress"]}
    )
    return request


@transaction.atomic
def rate_request(
    *, actor: Person, request: InternalRequest, rating: int, comment: str = ""
) -> InternalRequest:
    """Internal CSAT: the requester rates a resolved request from 1 to 5, and may change it."""
    if actor.pk != request.requester_id:
        raise ServiceDeskError(_("Only the person who asked can rate the request."))
    if request.status != RequestStatus.RESOLVED:
        raise ServiceDeskError(_("A request can be rated once it is resolved."))
    if not 1 <= rating <= 5:
        raise ServiceDeskError(_("Rate from 1 to 5."))
    changes = audit.diff(request, {"rating": rating, "rating_comment": comment})
    request.rating = rating
    request.rating_comment = comment
    request.rated_at = timezone.now()
    request.save(update_fields=["rating", "rating_comment", "rated_at"])
    _update(request, UpdateKind.RATED, actor, comment)
    audit.record(actor, "servicedesk.request.rate", request, changes)
    return request


def flag_acknowledgement_breaches(now: dt.datetime | None = None) -> int:
    """Flag open requests nobody acknowledged in time and tell the desk's leaders. Idempotent:
    a request is flagged once. Returns how many were flagged now."""
    now = now or timezone.now()
    due = InternalRequest.objects.filter(
        status__in=OPEN_STATUSES,
        acknowledged_at__isnull=True,
        acknowledgement_breached=False,
        acknowledge_due_at__lt=now,
    ).values_list("pk", flat=True)
    flagged = 0
    for pk in list(due):
        with transaction.atomic():
            # Claimed by a conditional update: of two sweeps running at once only one flags it.
            if not InternalRequest.objects.filter(pk=pk, acknowledgement_breached=False).update(
                acknowledgement_breached=True
            ):
                continue
            request = InternalRequest.objects.select_related("desk", "requester").get(pk=pk)
            _update(request, UpdateKind.BREACH, None, at=now)
            audit.record(None, "servicedesk.request.breach", request)
            for leader in selectors.desk_leaders(request.desk):
                send_email(
                    to=leader,
                    template="servicedesk/email/breach",
                    context={"request": request, "desk": request.desk},
                )
            flagged += 1
    return flagged
