"""Customer feedback over the JSON API: interactions, survey responses, follow-ups, surveys.

Reads go through everyweek.core.access like the pages (an agent's token sees the agent's own
feedback); writes go through the same service functions as the pages and the importers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import caller, require_leader, require_scope
from everyweek.api.models import TokenScope
from everyweek.api.pagination import paginated
from everyweek.api.schemas import NamedRef, PersonRef
from everyweek.core.access import visible_people
from everyweek.customers.models import Customer
from everyweek.feedback import followups, invitations, selectors, services
from everyweek.feedback.models import (
    Channel,
    FeedbackSettings,
    FollowUpCase,
    FollowUpReason,
    FollowUpStatus,
    Interaction,
    InteractionStatus,
    Priority,
    Survey,
    SurveyResponse,
)
from everyweek.people.models import Team

router = Router(tags=["feedback"])

API_SOURCE = "api"


# --- Schemas ----------------------------------------------------------------------------


def _config(context: Any) -> FeedbackSettings:
    # Loaded once per request, not once per listed response.
    request = context["request"]
    if not hasattr(request, "_feedback_config"):
        request._feedback_config = FeedbackSettings.load()
    return request._feedback_config  # type: ignore[no-any-return]


class ResponseOut(Schema):
    id: int
    source: str
    external_id: str
    submitted_at: dt.datetime
    updated_at: dt.datetime
    channel: str
    language: str
    nps: int | None
    csat: int | None
    csat_scale: int
    ces: int | None
    comment: str = Field(description="Empty when `comment_hidden` is true.")
    comment_hidden: bool = Field(
        False, description="The organisation does not show agents their unhappy customers' words."
    )
    reason_codes: list[str]
    agent: PersonRef | None
    team: NamedRef | None
    customer_id: int | None
    interaction_id: int | None
    survey_id: int | None
    follow_up_id: int | None = None

    @staticmethod
    def resolve_comment(obj: SurveyResponse, context: Any) -> str:
        visible = selectors.comment_visible(obj, context["request"].auth, _config(context))
        return obj.comment if visible else ""

    @staticmethod
    def resolve_comment_hidden(obj: SurveyResponse, context: Any) -> bool:
        return bool(obj.comment) and not selectors.comment_visible(
            obj, context["request"].auth, _config(context)
        )

    @staticmethod
    def resolve_follow_up_id(obj: SurveyResponse) -> int | None:
        case = getattr(obj, "follow_up", None)
        return case.pk if case is not None else None


class AnswerIn(Schema):
    nps: int | None = Field(None, ge=0, le=10)
    csat: int | None = Field(None, ge=1, le=7)
    csat_scale: int = Field(5, description="2, 3, 5 or 7 points.")
    ces: int | None = Field(None, ge=1, le=7)
    comment: str = Field("", max_length=5000)
    reason_codes: list[str] = []
    language: str = Field("", max_length=10)
    submitted_at: dt.datetime | None = None
    external_id: str | None = Field(
        None,
        max_length=100,
        description="Your id for this answer; sending it again updates the same response. "
        "Defaults to one response per interaction.",
    )


class InteractionOut(Schema):
    id: int
    source: str
    external_id: str
    channel: Channel
    subject: str
    customer_id: int | None
    agent: PersonRef | None
    team: NamedRef | None
    priority: Priority
    status: InteractionStatus
    created_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    handle_time_seconds: int | None
    pending_seconds: int
    reopen_count: int
    reply_count: int
    tags: list[str]


class InteractionIn(Schema):
    source: str = Field(API_SOURCE, max_length=30)
    external_id: str = Field(min_length=1, max_length=100)
    channel: Channel = Channel.EMAIL
    subject: str = Field("", max_length=255)
    customer_id: int | None = None
    agent_id: int | None = None
    team_id: int | None = None
    priority: Priority = Priority.NORMAL
    status: InteractionStatus = InteractionStatus.OPEN
    created_at: dt.datetime
    first_response_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    handle_time_seconds: int | None = Field(None, ge=0)
    pending_seconds: int = Field(0, ge=0)
    reopen_count: int = Field(0, ge=0)
    reply_count: int = Field(0, ge=0)
    tags: list[str] = []
    repliers: dict[int, int] = Field(
        {}, description="Person id -> number of replies, for the 'every agent who replied' rule."
    )
    send_survey: bool = Field(
        True, description="Once resolved, plan the survey email (delay and suppression apply)."
    )


class SurveyLinkOut(Schema):
    invitation_id: int
    status: str
    url: str = Field(description="This interaction's personal survey link.")
    embed_url: str = Field(
        description="A stable link for a helpdesk to embed; it leads to the same survey."
    )
    expires_at: dt.datetime


class NoteOut(Schema):
    id: int
    author: PersonRef | None
    created_at: dt.datetime
    text: str


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=5000)


class CaseOut(Schema):
    id: int
    reason: FollowUpReason
    status: FollowUpStatus
    response_id: int
    agent: PersonRef | None
    owner: PersonRef | None
    opened_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    escalated_at: dt.datetime | None
    escalated_to: PersonRef | None
    closed_at: dt.datetime | None
    outcome: str
    recovery_invitation_id: int | None

    @staticmethod
    def resolve_overdue(obj: FollowUpCase) -> bool:
        return obj.status in followups.OPEN_STATUSES and obj.due_at < timezone.now()


class CaseDetailOut(CaseOut):
    notes: list[NoteOut]

    @staticmethod
    def resolve_notes(obj: FollowUpCase) -> list[Any]:
        return list(obj.notes.select_related("author"))


class CasePatch(Schema):
    status: FollowUpStatus | None = None
    outcome: str | None = Field(None, max_length=5000)
    owner_id: int | None = None


class SurveyTextOut(Schema):
    language: str
    intro: str
    nps_question: str
    csat_question: str
    ces_question: str
    comment_question: str
    thank_you: str
    reason_labels: dict[str, str]


class SurveyOut(Schema):
    id: int
    name: str
    is_active: bool
    is_default: bool
    is_recovery: bool
    channels: list[str]
    ask_nps: bool
    ask_csat: bool
    csat_scale: int
    ask_ces: bool
    ask_comment: bool
    reason_codes: list[str]
    send_delay_minutes: int
    suppression_days: int
    reminders_enabled: bool
    link_valid_days: int
    texts: list[SurveyTextOut]

    @staticmethod
    def resolve_texts(obj: Survey) -> list[Any]:
        return list(obj.texts.all())


class SummaryOut(Schema):
    count: int
    nps: float | None
    nps_count: int
    promoters: int
    detractors: int
    csat_average: float | None = Field(description="On 1-5, whatever each survey's scale.")
    ces_average: float | None
    sent: int = Field(description="Survey emails sent in the period.")
    responded: int = Field(description="Of those, how many were answered.")
    response_rate: float | None = Field(description="responded ÷ sent, in percent.")


# --- Helpers ----------------------------------------------------------------------------


def _interaction(request: HttpRequest, interaction_id: int) -> Interaction:
    try:
        return selectors.get_interaction_for_user(caller(request), interaction_id)
    except Http404 as exc:
        raise errors.not_found() from exc


def _case(request: HttpRequest, case_id: int) -> FollowUpCase:
    try:
        return followups.get_case_for_user(caller(request), case_id)
    except Http404 as exc:
        raise errors.not_found() from exc


def _invalid(exc: services.FeedbackError, field: str = "body") -> errors.ApiError:
    return errors.invalid(field, str(exc))


# --- Responses --------------------------------------------------------------------------


@router.get("/responses", response=list[ResponseOut], summary="List survey responses")
@paginated
def list_responses(
    request: HttpRequest,
    days: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    channel: str = "",
    band: str = "",
    language: str = "",
    agent_id: int | None = None,
    q: str = "",
) -> QuerySet[SurveyResponse]:
    """Newest first. An agent sees their own, a lead their team's, a manager their department's.

    `band`: promoter, passive, detractor, satisfied or unhappy. `days`: the last N days.
    """
    responses = selectors.filter_responses(
        selectors.responses_for(caller(request)),
        days=days,
        start=start,
        end=end,
        channel=channel,
        band=band,
        language=language,
        agent_id=agent_id,
        q=q.strip(),
    )
    return responses.select_related("agent", "team", "follow_up").order_by("-submitted_at", "-pk")


@router.get("/responses/{int:response_id}", response=ResponseOut, summary="One survey response")
def get_response(request: HttpRequest, response_id: int) -> SurveyResponse:
    try:
        return selectors.get_response_for_user(caller(request), response_id)
    except Http404 as exc:
        raise errors.not_found() from exc


@router.get("/summary", response=SummaryOut, summary="NPS, CSAT and response rate")
def summary(
    request: HttpRequest,
    days: int | None = None,
    channel: str = "",
    agent_id: int | None = None,
) -> dict[str, Any]:
    """Over the responses you may see; `days` limits it to the last N days."""
    person = caller(request)
    responses = selectors.filter_responses(
        selectors.responses_for(person), days=days, channel=channel, agent_id=agent_id
    )
    sent_in = selectors.invitations_for(person)
    if agent_id:
        sent_in = sent_in.filter(interaction__agent_id=agent_id)
    start = timezone.now() - dt.timedelta(days=days) if days else None
    rate = selectors.response_rate(sent_in, start=start)
    return {
        **vars(selectors.summarise(responses)),
        "sent": rate.sent,
        "responded": rate.responded,
        "response_rate": rate.rate,
    }


@router.post(
    "/interactions/{int:interaction_id}/responses",
    response={200: ResponseOut, 201: ResponseOut},
    summary="Record a survey answer for an interaction (leaders)",
)
def submit_response(
    request: HttpRequest, interaction_id: int, payload: AnswerIn
) -> Status[SurveyResponse]:
    """For answers collected elsewhere (a phone survey, a kiosk). Sending the same
    `external_id` again updates that response; a detractor or low CSAT opens a follow-up."""
    actor = require_leader(request, TokenScope.WRITE)
    interaction = _interaction(request, interaction_id)
    try:
        response, created = services.record_response(
            services.ResponseInput(
                source=API_SOURCE,
                external_id=payload.external_id or f"interaction-{interaction.pk}",
                submitted_at=payload.submitted_at or timezone.now(),
                interaction=interaction,
                nps=payload.nps,
                csat=payload.csat,
                csat_scale=payload.csat_scale,
                ces=payload.ces,
                comment=payload.comment,
                reason_codes=payload.reason_codes,
                language=payload.language,
            ),
            actor=actor,
        )
    except services.FeedbackError as exc:
        raise _invalid(exc) from exc
    return Status(201 if created else 200, response)


# --- Interactions -----------------------------------------------------------------------


@router.get("/interactions", response=list[InteractionOut], summary="List interactions")
@paginated
def list_interactions(
    request: HttpRequest,
    source: str = "",
    channel: str = "",
    status: str = "",
    agent_id: int | None = None,
    since: dt.datetime | None = None,
) -> QuerySet[Interaction]:
    found = selectors.interactions_for(caller(request))
    if source:
        found = found.filter(source=source)
    if channel:
        found = found.filter(channel=channel)
    if status:
        found = found.filter(status=status)
    if agent_id:
        found = found.filter(agent_id=agent_id)
    if since:
        found = found.filter(created_at__gte=since)
    return found.select_related("agent", "team").order_by("-created_at", "-pk")


@router.get(
    "/interactions/{int:interaction_id}", response=InteractionOut, summary="One interaction"
)
def get_interaction(request: HttpRequest, interaction_id: int) -> Interaction:
    return _interaction(request, interaction_id)


@router.post(
    "/interactions",
    response={200: InteractionOut, 201: InteractionOut},
    summary="Record an interaction (leaders)",
)
def create_interaction(request: HttpRequest, payload: InteractionIn) -> Status[Interaction]:
    """Upserts on (source, external_id): sending the same ticket again updates it (200)."""
    actor = require_leader(request, TokenScope.WRITE)
    people = visible_people(actor)
    agent = None
    if payload.agent_id is not None:
        agent = people.filter(pk=payload.agent_id).first()
        if agent is None:
            raise errors.unknown_reference("agent_id")
    customer = None
    if payload.customer_id is not None:
        customer = Customer.objects.filter(pk=payload.customer_id).first()
        if customer is None:
            raise errors.unknown_reference("customer_id")
    team = None
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise errors.unknown_reference("team_id")
    unknown = set(payload.repliers) - set(
        people.filter(pk__in=list(payload.repliers)).values_list("pk", flat=True)
    )
    if unknown:
        raise errors.unknown_reference("repliers")
    data = payload.model_dump(exclude={"agent_id", "customer_id", "team_id", "send_survey"})
    with transaction.atomic():
        try:
            interaction, created = services.record_interaction(
                services.InteractionInput(**data, agent=agent, customer=customer, team=team),
                actor=actor,
            )
        except services.FeedbackError as exc:
            raise _invalid(exc) from exc
        if payload.send_survey and interaction.resolved_at is not None:
            invitations.schedule_invitation(interaction, actor=actor)
    return Status(201 if created else 200, interaction)


@router.post(
    "/interactions/{int:interaction_id}/survey-link",
    response=SurveyLinkOut,
    summary="The survey link for an interaction, to embed in a helpdesk (leaders)",
)
def survey_link(request: HttpRequest, interaction_id: int) -> dict[str, Any]:
    """Makes the interaction's invitation if it has none (it is not emailed) and returns its
    personal link and the stable embed link."""
    actor = require_leader(request, TokenScope.WRITE)
    interaction = _interaction(request, interaction_id)
    invitation = invitations.link_invitation(interaction, actor=actor)
    return {
        "invitation_id": invitation.pk,
        "status": invitation.status,
        "url": invitations.absolute(invitations.survey_path(invitation)),
        "embed_url": invitations.absolute(invitations.embed_path(interaction)),
        "expires_at": invitation.expires_at,
    }


# --- Follow-ups -------------------------------------------------------------------------


@router.get("/follow-ups", response=list[CaseOut], summary="List follow-up cases (leaders)")
@paginated
def list_cases(
    request: HttpRequest,
    status: str = "",
    reason: str = "",
    owner_id: int | None = None,
    overdue: bool | None = None,
) -> QuerySet[FollowUpCase]:
    """`status=open` means open or in progress; any other status filters exactly."""
    person = require_leader(request)
    cases = followups.cases_for(person)
    if status == "open":
        cases = cases.filter(status__in=followups.OPEN_STATUSES)
    elif status:
        cases = cases.filter(status=status)
    if reason:
        cases = cases.filter(reason=reason)
    if owner_id:
        cases = cases.filter(owner_id=owner_id)
    if overdue:
        cases = cases.filter(followups.overdue_filter())
    return cases.select_related("agent", "owner", "escalated_to").order_by("due_at", "pk")


@router.get(
    "/follow-ups/{int:case_id}", response=CaseDetailOut, summary="One follow-up case (leaders)"
)
def get_case(request: HttpRequest, case_id: int) -> FollowUpCase:
    require_leader(request)
    return _case(request, case_id)


@router.patch(
    "/follow-ups/{int:case_id}",
    response=CaseDetailOut,
    summary="Change a case's status, outcome or owner (leaders)",
)
def update_case(request: HttpRequest, case_id: int, payload: CasePatch) -> FollowUpCase:
    actor = require_leader(request, TokenScope.WRITE)
    case = _case(request, case_id)
    owner = None
    if payload.owner_id is not None:
        owner = visible_people(actor).filter(pk=payload.owner_id, is_active=True).first()
        if owner is None:
            raise errors.unknown_reference("owner_id")
    try:
        followups.update_case(
            actor=actor, case=case, status=payload.status, outcome=payload.outcome, owner=owner
        )
    except services.FeedbackError as exc:
        raise _invalid(exc, "status") from exc
    return _case(request, case_id)


@router.post(
    "/follow-ups/{int:case_id}/notes",
    response={201: NoteOut},
    summary="Add a note to a case (leaders)",
)
def add_case_note(request: HttpRequest, case_id: int, payload: NoteIn) -> Status[Any]:
    actor = require_leader(request, TokenScope.WRITE)
    case = _case(request, case_id)
    try:
        note = followups.add_note(actor=actor, case=case, text=payload.text)
    except services.FeedbackError as exc:
        raise _invalid(exc, "text") from exc
    return Status(201, note)


@router.post(
    "/follow-ups/{int:case_id}/recovery-survey",
    response={201: SurveyLinkOut},
    summary="Send the customer a recovery survey (leaders)",
)
def recovery_survey(request: HttpRequest, case_id: int) -> Status[dict[str, Any]]:
    actor = require_leader(request, TokenScope.WRITE)
    case = _case(request, case_id)
    try:
        invitation = followups.send_recovery_survey(actor=actor, case=case)
    except services.FeedbackError as exc:
        raise errors.conflict(str(exc)) from exc
    return Status(
        201,
        {
            "invitation_id": invitation.pk,
            "status": invitation.status,
            "url": invitations.absolute(invitations.survey_path(invitation)),
            "embed_url": invitations.absolute(invitations.embed_path(invitation.interaction)),
            "expires_at": invitation.expires_at,
        },
    )


# --- Surveys ----------------------------------------------------------------------------


@router.get("/surveys", response=list[SurveyOut], summary="List surveys and their wording")
@paginated
def list_surveys(request: HttpRequest, active: bool | None = None) -> QuerySet[Survey]:
    require_scope(request, TokenScope.READ)
    surveys = Survey.objects.prefetch_related("texts")
    if active is not None:
        surveys = surveys.filter(is_active=active)
    return surveys.order_by("name", "pk")
