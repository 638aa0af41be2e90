"""Pages of the internal service desk. Thin: selectors read, services write."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from everyweek.core.access import is_admin
from everyweek.core.decorators import leader_required
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.servicedesk import selectors, services
from everyweek.servicedesk.forms import (
    AssignForm,
    DeskForm,
    MessageForm,
    NoticeForm,
    RateForm,
    RequestForm,
    RequestSearchForm,
    RequestTypeForm,
    UpdateForm,
)
from everyweek.servicedesk.models import (
    OPEN_STATUSES,
    DeskNotice,
    InternalRequest,
    RequestStatus,
    RequestType,
    ServiceDesk,
)

WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]


def get_request_for_user(user: Any, pk: int) -> InternalRequest:
    request = (
        selectors.visible_requests(user)
        .select_related("desk", "desk__calendar", "request_type", "requester", "assignee")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    return request


def _desk(pk: int) -> ServiceDesk:
    desk = (
        ServiceDesk.objects.select_related("department", "team", "calendar").filter(pk=pk).first()
    )
    if desk is None:
        raise Http404
    return desk


def _managed_desk(request: AuthenticatedHttpRequest, pk: int) -> ServiceDesk:
    desk = _desk(pk)
    if not selectors.can_manage_desk(request.user, desk):
        raise Http404
    return desk


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = request.user
    today = timezone.localdate()
    desks = list(
        selectors.open_desks()
        .prefetch_related("request_types")
        .order_by("department__name", "name")
    )
    mine = (
        InternalRequest.objects.filter(requester=person)
        .select_related("desk", "request_type")
        .order_by("-created_at")[:10]
    )
    member_of = [d for d in desks if selectors.is_desk_member(person, d) and not is_admin(person)]
    notices = DeskNotice.objects.filter(
        ends_on__gte=today, starts_on__lte=today + dt.timedelta(days=14)
    ).order_by("starts_on")
    upcoming: dict[int, DeskNotice] = {}
    for notice in notices:
        upcoming.setdefault(notice.desk_id, notice)
    for desk in desks:
        desk.current_notice = upcoming.get(desk.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "servicedesk/home.html",
        {
            "desks": desks,
            "mine": mine,
            "member_of": member_of,
            "can_create_desk": is_admin(person) or person.role in ("lead", "manager"),
        },
    )


def _weekly_hours(desk: ServiceDesk) -> list[tuple[int, list[list[str]]]]:
    hours = desk.calendar.weekly_hours if desk.calendar else {}
    return [(day, hours.get(str(day), [])) for day in WEEKDAYS]


@login_required
def desk_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    desk = _desk(pk)
    manage = selectors.can_manage_desk(request.user, desk)
    today = timezone.localdate()
    types = desk.request_types.all() if manage else selectors.active_types(desk)
    return render(
        request,
        "servicedesk/desk_detail.html",
        {
            "desk": desk,
            "types": types.order_by("name"),
            "notices": desk.notices.filter(ends_on__gte=today),
            "weekly_hours": _weekly_hours(desk),
            "manage": manage,
            "member": selectors.is_desk_member(request.user, desk),
            "notice_form": NoticeForm() if manage else None,
            "type_form": RequestTypeForm() if manage else None,
        },
    )


@login_required
def desk_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    desk = _managed_desk(request, pk) if pk else None
    if desk is None and not (is_admin(request.user) or request.user.role in ("lead", "manager")):
        raise Http404
    form = DeskForm(
        request.POST or None, instance=desk, user=request.user, admin=is_admin(request.user)
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = services.save_desk(actor=request.user, desk=desk, **fields)
        except services.ServiceDeskError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("servicedesk:desk", pk=saved.pk)
    return render(request, "servicedesk/desk_form.html", {"form": form, "desk": desk})


@login_required
@require_POST
def type_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    desk = _managed_desk(request, pk)
    form = RequestTypeForm(request.POST)
    if form.is_valid():
        services.save_request_type(actor=request.user, desk=desk, **form.cleaned_data)
        messages.success(request, _("Request type added."))
    else:
        messages.error(request, _("A request type needs a name and a turnaround."))
    return redirect("servicedesk:desk", pk=pk)


@login_required
def type_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = RequestType.objects.select_related("desk").filter(pk=pk).first()
    if item is None or not selectors.can_manage_desk(request.user, item.desk):
        raise Http404
    form = RequestTypeForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.save_request_type(
            actor=request.user, desk=item.desk, request_type=item, **form.cleaned_data
        )
        messages.success(request, _("Changes saved."))
        return redirect("servicedesk:desk", pk=item.desk_id)
    return render(request, "servicedesk/type_form.html", {"form": form, "item": item})


@login_required
@require_POST
def notice_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    desk = _managed_desk(request, pk)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            services.add_notice(actor=request.user, desk=desk, **form.cleaned_data)
        except services.ServiceDeskError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The notice is published."))
    return redirect("servicedesk:desk", pk=pk)


@login_required
@require_POST
def notice_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = DeskNotice.objects.select_related("desk").filter(pk=pk).first()
    if notice is None or not selectors.can_manage_desk(request.user, notice.desk):
        raise Http404
    desk_id = notice.desk_id
    services.remove_notice(actor=request.user, notice=notice)
    return redirect("servicedesk:desk", pk=desk_id)


@login_required
def request_new(request: AuthenticatedHttpRequest, type_pk: int) -> HttpResponse:
    request_type = (
        RequestType.objects.select_related("desk", "desk__calendar")
        .filter(pk=type_pk, is_active=True, desk__is_active=True)
        .first()
    )
    if request_type is None:
        raise Http404
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = services.submit_request(
            actor=request.user, request_type=request_type, **form.cleaned_data
        )
        messages.success(
            request, _("Your request was received. You will get an email confirming it.")
        )
        return redirect("servicedesk:request", pk=created.pk)
    return render(
        request, "servicedesk/request_form.html", {"form": form, "request_type": request_type}
    )


def _filtered(request: AuthenticatedHttpRequest, requests: Any) -> tuple[RequestSearchForm, Any]:
    form = RequestSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    if q := data.get("q"):
        requests = requests.filter(
            Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(requester__full_name__icontains=q)
        )
    if status := data.get("status"):
        requests = (
            requests.filter(status__in=OPEN_STATUSES)
            if status == "open"
            else requests.filter(status=status)
        )
    if data.get("late"):
        requests = requests.filter(acknowledgement_breached=True)
    return form, requests


def _csv(requests: Any, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "id",
            "desk",
            "request_type",
            "title",
            "requester",
            "status",
            "created_at",
            "acknowledged_at",
            "acknowledgement_late",
            "due_at",
            "resolved_at",
            "on_time",
            "rating",
        ]
    )
    for r in requests.iterator(chunk_size=500):
        writer.writerow(
            [
                r.pk,
                r.desk.name,
                r.request_type.name,
                r.title,
                r.requester.email,
                r.status,
                r.created_at.isoformat(),
                r.acknowledged_at.isoformat() if r.acknowledged_at else "",
                r.acknowledgement_breached,
                r.due_at.isoformat() if r.due_at else "",
                r.resolved_at.isoformat() if r.resolved_at else "",
                "" if r.on_time is None else r.on_time,
                r.rating or "",
            ]
        )
    return response


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    requests = selectors.visible_requests(request.user).select_related(
        "desk", "request_type", "requester", "assignee"
    )
    desk = None
    if desk_id := request.GET.get("desk"):
        desk = ServiceDesk.objects.filter(pk=desk_id).first() if desk_id.isdigit() else None
        if desk is None:
            raise Http404
        requests = requests.filter(desk=desk)
    form, requests = _filtered(request, requests.order_by("-created_at", "-pk"))
    if request.GET.get("format") == "csv":
        return _csv(requests, "internal-requests.csv")
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/request_list.html",
        {
            "form": form,
            "page": page,
            "desk": desk,
            "query_string": query.urlencode(),
            "now": timezone.now(),
        },
    )


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_request_for_user(request.user, pk)
    member = selectors.is_desk_member(request.user, item.desk)
    is_requester = item.requester_id == request.user.pk
    return render(
        request,
        "servicedesk/request_detail.html",
        {
            "item": item,
            "updates": item.updates.select_related("author"),
            "member": member and item.is_open,
            "is_requester": is_requester,
            "now": timezone.now(),
            "update_form": UpdateForm(),
            "message_form": MessageForm(),
            "assign_form": AssignForm(
                people=selectors.desk_members(item.desk).order_by("full_name"),
                initial={"assignee": item.assignee_id},
            )
            if member and item.is_open
            else None,
            "rate_form": RateForm(initial={"rating": item.rating, "comment": item.rating_comment})
            if is_requester and item.status == RequestStatus.RESOLVED
            else None,
        },
    )


def _act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    item = get_request_for_user(request.user, pk)
    actor = request.user
    form = MessageForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        if action == "acknowledge":
            services.acknowledge_request(actor=actor, request=item, message=message)
            done = _("Acknowledged; the requester was told.")
        elif action == "update":
            update = UpdateForm(request.POST)
            if not update.is_valid():
                raise services.ServiceDeskError(_("Write what changed."))
            services.post_update(
                actor=actor,
                request=item,
                message=update.cleaned_data["message"],
                waiting_on_requester=update.cleaned_data["waiting"],
            )
            done = _("Update sent to the requester.")
        elif action == "resolve":
            services.resolve_request(actor=actor, request=item, message=message)
            done = _("Resolved; the requester was asked to rate it.")
        elif action == "reply":
            services.reply_as_requester(actor=actor, request=item, message=message)
            done = _("Reply sent.")
        elif action == "cancel":
            services.cancel_request(actor=actor, request=item, reason=message)
            done = _("The request is cancelled.")
        elif action == "reopen":
            services.reopen_request(actor=actor, request=item, message=message)
            done = _("The request is open again.")
        elif action == "assign":
            assign = AssignForm(request.POST, people=selectors.desk_members(item.desk))
            if not assign.is_valid():
                raise services.ServiceDeskError(_("Choose someone of the desk."))
            services.assign_request(
                actor=actor, request=item, assignee=assign.cleaned_data["assignee"]
            )
            done = _("Changes saved.")
        elif action == "rate":
            rate = RateForm(request.POST)
            if not rate.is_valid():
                raise services.ServiceDeskError(_("Rate from 1 to 5."))
            services.rate_request(actor=actor, request=item, **rate.cleaned_data)
            done = _("Thank you for your rating.")
        else:
            raise Http404
    except services.ServiceDeskError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("servicedesk:request", pk=pk)


@login_required
@require_POST
def request_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, pk, action)


@leader_required
def figures(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Internal CSAT and on-time share per desk, last 30 and 90 days."""
    now = timezone.now()
    # Team-level figures, not personal ones: every leader may compare the desks.
    desks = list(selectors.open_desks().order_by("department__name", "name"))
    ids = [d.pk for d in desks]
    last30 = selectors.internal_service_by_desk(now - dt.timedelta(days=30), now, ids)
    last90 = selectors.internal_service_by_desk(now - dt.timedelta(days=90), now, ids)
    acks = selectors.acknowledgement_figures(ids, now - dt.timedelta(days=30), now)
    rows = [
        {
            "desk": d,
            "last30": last30.get(d.pk),
            "last90": last90.get(d.pk),
            "acks": acks.get(d.pk, {"received": 0, "late": 0}),
        }
        for d in desks
    ]
    return render(request, "servicedesk/figures.html", {"rows": rows})
