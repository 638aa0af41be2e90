"""Staff pages: survey responses (scoped by role) and the follow-up cases of the closed loop."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from everyweek.core import home as home_panels
from everyweek.core.access import is_leader, visible_people
from everyweek.core.csvstream import stream_csv
from everyweek.core.decorators import leader_required
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.feedback import followups, invitations, selectors
from everyweek.feedback.forms import (
    CaseFilterForm,
    CaseNoteForm,
    CaseUpdateForm,
    ResponseFilterForm,
)
from everyweek.feedback.models import FeedbackSettings, FollowUpCase, SurveyResponse
from everyweek.feedback.services import FeedbackError
from everyweek.people.models import Person, Role

PAGE_SIZE = 50

RESPONSE_COLUMNS = [
    "id",
    "submitted_at",
    "source",
    "channel",
    "language",
    "agent",
    "team",
    "customer",
    "nps",
    "csat",
    "csat_scale",
    "ces",
    "reason_codes",
    "comment",
    "interaction",
]
CASE_COLUMNS = [
    "id",
    "reason",
    "status",
    "agent",
    "owner",
    "opened_at",
    "due_at",
    "overdue",
    "escalated_to",
    "closed_at",
    "hours_to_close",
    "nps",
    "csat",
    "comment",
    "outcome",
]


def _csv_cell(value: Any) -> Any:
    # Spreadsheets run cells that start with these as formulas; customers write the comments.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _stream_csv(
    filename: str, header: list[str], rows: Iterator[list[Any]]
) -> StreamingHttpResponse:
    return stream_csv(filename, header, rows, cell=_csv_cell)


def _query_string(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


# --- Responses ---------------------------------------------------------------------------


def _filtered_responses(
    request: HttpRequest,
) -> tuple[ResponseFilterForm, QuerySet[SurveyResponse]]:
    user = request.user
    scoped = selectors.responses_for(user)
    agents = (
        visible_people(user).filter(role__in=[Role.AGENT, Role.LEAD]).order_by("full_name")
        if is_leader(user)
        else None
    )
    languages = sorted(
        code for code in scoped.order_by().values_list("language", flat=True).distinct() if code
    )
    form = ResponseFilterForm(request.GET or None, agents=agents, languages=languages)
    data = form.cleaned_data if form.is_valid() else {}
    agent = data.get("agent")
    responses = selectors.filter_responses(
        scoped,
        days=int(data["period"]) if data.get("period") else None,
        start=data.get("start"),
        end=data.get("end"),
        channel=data.get("channel", ""),
        band=data.get("band", ""),
        language=data.get("language", ""),
        agent_id=agent.pk if agent else None,
        q=data.get("q", ""),
    )
    return form, responses


@login_required
def response_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form, responses = _filtered_responses(request)
    responses = responses.select_related("agent", "team", "customer").order_by(
        "-submitted_at", "-pk"
    )
    config = FeedbackSettings.load()
    viewer = request.user
    if request.GET.get("format") == "csv":
        rows = (
            [
                r.pk,
                r.submitted_at.isoformat(),
                r.source,
                r.channel,
                r.language,
                r.agent.email if r.agent else "",
                r.team.name if r.team else "",
                r.customer.name if r.customer else "",
                r.nps,
                r.csat,
                r.csat_scale,
                r.ces,
                " ".join(r.reason_codes or []),
                r.comment if selectors.comment_visible(r, viewer, config) else "",
                r.interaction_id or "",
            ]
            for r in responses.iterator(chunk_size=1000)
        )
        return _stream_csv("feedback.csv", RESPONSE_COLUMNS, rows)
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    for response in page:
        response.show_comment = selectors.comment_visible(response, viewer, config)  # type: ignore[attr-defined]
    sent_from = None
    period = form.cleaned_data.get("period") if form.is_valid() else None
    if period:
        sent_from = timezone.now() - dt.timedelta(days=int(period))
    return render(
        request,
        "feedback/response_list.html",
        {
            "form": form,
            "page": page,
            "summary": selectors.summarise(responses),
            "rate": selectors.response_rate(selectors.invitations_for(viewer), start=sent_from),
            "query_string": _query_string(request),
        },
    )


@login_required
def response_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    response = selectors.get_response_for_user(request.user, pk)
    config = FeedbackSettings.load()
    text = (
        invitations.text_for(response.survey, translation.get_language() or "en")
        if response.survey
        else None
    )
    reasons = [invitations.reason_label(text, c) if text else c for c in response.reason_codes]
    case = getattr(response, "follow_up", None)
    return render(
        request,
        "feedback/response_detail.html",
        {
            "response": response,
            "show_comment": selectors.comment_visible(response, request.user, config),
            "reasons": reasons,
            "case": case if case is not None and is_leader(request.user) else None,
        },
    )


# --- Follow-up cases -----------------------------------------------------------------------


def _owners(user: Any, case: FollowUpCase | None = None) -> QuerySet[Person]:
    """Who a case can be given to: the leaders the user can see (and whoever owns it now)."""
    leaders = visible_people(user).filter(
        is_active=True, role__in=[Role.LEAD, Role.MANAGER, Role.EXECUTIVE, Role.ADMIN]
    )
    if case is not None and case.owner_id:
        leaders = Person.objects.filter(Q(pk__in=leaders.values("pk")) | Q(pk=case.owner_id))
    return leaders.order_by("full_name")


@leader_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = CaseFilterForm(request.GET or None, owners=_owners(user))
    data = form.cleaned_data if form.is_valid() else {}
    cases = followups.cases_for(user)
    status = data.get("status", "")
    if status == "":
        cases = cases.filter(status__in=followups.OPEN_STATUSES)
    elif status != "all":
        cases = cases.filter(status=status)
    if data.get("reason"):
        cases = cases.filter(reason=data["reason"])
    if data.get("owner"):
        cases = cases.filter(owner=data["owner"])
    now = timezone.now()
    if data.get("overdue"):
        cases = cases.filter(followups.overdue_filter(now))
    cases = cases.select_related("agent", "owner", "escalated_to", "response").order_by(
        "due_at", "pk"
    )
    if request.GET.get("format") == "csv":
        rows = (
            [
                c.pk,
                c.reason,
                c.status,
                c.agent.email if c.agent else "",
                c.owner.email if c.owner else "",
                c.opened_at.isoformat(),
                c.due_at.isoformat(),
                c.status in followups.OPEN_STATUSES and c.due_at < now,
                c.escalated_to.email if c.escalated_to else "",
                c.closed_at.isoformat() if c.closed_at else "",
                round((c.closed_at - c.opened_at).total_seconds() / 3600, 1) if c.closed_at else "",
                c.response.nps,
                c.response.csat,
                c.response.comment,
                c.outcome,
            ]
            for c in cases.iterator(chunk_size=1000)
        )
        # leader_required is typed for HttpResponse; a streamed CSV is served the same way.
        return cast(HttpResponse, _stream_csv("follow-ups.csv", CASE_COLUMNS, rows))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/case_list.html",
        {
            "form": form,
            "page": page,
            "now": now,
            "median_hours": followups.median_hours_to_close(followups.cases_for(user)),
            "open_statuses": followups.OPEN_STATUSES,
            "query_string": _query_string(request),
        },
    )


@leader_required
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = followups.get_case_for_user(request.user, pk)
    response = case.response
    return render(
        request,
        "feedback/case_detail.html",
        {
            "case": case,
            "response": response,
            "notes": case.notes.select_related("author"),
            "note_form": CaseNoteForm(),
            "update_form": CaseUpdateForm(
                initial={"status": case.status, "owner": case.owner, "outcome": case.outcome},
                owners=_owners(request.user, case),
            ),
            "recovery": case.recovery_invitation,
            "recovery_response": (
                getattr(case.recovery_invitation, "response", None)
                if case.recovery_invitation
                else None
            ),
            "overdue": case.status in followups.OPEN_STATUSES and case.due_at < timezone.now(),
        },
    )


@leader_required
@require_POST
def case_add_note(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = followups.get_case_for_user(request.user, pk)
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        followups.add_note(actor=request.user, case=case, text=form.cleaned_data["text"])
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("A note cannot be empty."))
    return redirect("feedback:case-detail", pk=case.pk)


@leader_required
@require_POST
def case_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = followups.get_case_for_user(request.user, pk)
    form = CaseUpdateForm(request.POST, owners=_owners(request.user, case))
    if form.is_valid():
        followups.update_case(
            actor=request.user,
            case=case,
            status=form.cleaned_data["status"],
            outcome=form.cleaned_data["outcome"],
            owner=form.cleaned_data["owner"],
        )
        messages.success(request, _("The case was updated."))
    else:
        messages.error(request, _("The case could not be updated: check the fields."))
    return redirect("feedback:case-detail", pk=case.pk)


@leader_required
@require_POST
def case_recovery(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = followups.get_case_for_user(request.user, pk)
    try:
        followups.send_recovery_survey(actor=request.user, case=case)
    except FeedbackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The recovery survey is on its way to the customer."))
    return redirect("feedback:case-detail", pk=case.pk)


# --- Home page panel ---------------------------------------------------------------------------

HOME_RESPONSES = 3


def latest_feedback_panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    """Your own latest feedback, and for leaders the follow-ups waiting on them (2 queries)."""
    person = request.user
    mine = list(
        SurveyResponse.objects.filter(agent=person).order_by("-submitted_at", "-pk")[
            :HOME_RESPONSES
        ]
    )
    if mine:
        config = FeedbackSettings.load()
        for response in mine:
            response.show_comment = selectors.comment_visible(response, person, config)  # type: ignore[attr-defined]
    cases = None
    if is_leader(person):
        cases = (
            followups.cases_for(person)
            .filter(status__in=followups.OPEN_STATUSES, owner=person)
            .aggregate(
                open=Count("pk"),
                overdue=Count("pk", filter=followups.overdue_filter()),
            )
        )
    if not mine and not (cases and cases["open"]):
        return None
    return {"responses": mine, "cases": cases}


home_panels.register(home_panels.Panel("feedback/home_panel.html", latest_feedback_panel, order=20))
