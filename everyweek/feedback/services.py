"""Every write to interactions and responses. Pages, the API, importers and webhooks all call these.

`record_interaction` and `record_response` are upserts keyed on (source, external_id), so a
re-import, a retried webhook or a customer answering twice updates one row and never counts twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from everyweek.core import audit
from everyweek.customers.models import Customer
from everyweek.feedback.models import (
    CreditRule,
    FeedbackSettings,
    FollowUpCase,
    FollowUpReason,
    Interaction,
    InteractionCredit,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from everyweek.people.models import Person, Team


class FeedbackError(ValueError):
    """Input that cannot be stored, with a message fit to show the person who sent it."""


@dataclass
class InteractionInput:
    source: str
    external_id: str
    created_at: dt.datetime
    channel: str = "email"
    subject: str = ""
    customer: Customer | None = None
    agent: Person | None = None
    team: Team | None = None
    priority: str = "normal"
    status: str = "open"
    first_response_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    handle_time_seconds: int | None = None
    pending_seconds: int = 0
    reopen_count: int = 0
    reply_count: int = 0
    tags: list[str] = field(default_factory=list)
    # Agents who replied and how often, for the "every agent who replied" credit rule.
    repliers: dict[int, int] = field(default_factory=dict)
    is_generated: bool = False


@dataclass
class ResponseInput:
    source: str
    external_id: str
    submitted_at: dt.datetime
    interaction: Interaction | None = None
    survey: Survey | None = None
    customer: Customer | None = None
    agent: Person | None = None
    team: Team | None = None
    channel: str = ""
    nps: int | None = None
    csat: int | None = None
    csat_scale: int = 5
    ces: int | None = None
    comment: str = ""
    reason_codes: list[str] = field(default_factory=list)
    language: str = ""
    is_generated: bool = False
    # Set for answers given through our own survey link, so the response points at its invitation.
    invitation: SurveyInvitation | None = None


def validate_scores(nps: int | None, csat: int | None, csat_scale: int, ces: int | None) -> None:
    if nps is not None and not 0 <= nps <= 10:
        raise FeedbackError(f"NPS must be between 0 and 10, not {nps}.")
    if csat_scale not in (2, 3, 5, 7):
        raise FeedbackError(f"The CSAT scale must have 2, 3, 5 or 7 points, not {csat_scale}.")
    if csat is not None and not 1 <= csat <= csat_scale:
        raise FeedbackError(f"CSAT must be between 1 and {csat_scale}, not {csat}.")
    if ces is not None and not 1 <= ces <= 7:
        raise FeedbackError(f"Customer effort must be between 1 and 7, not {ces}.")


def _apply_credit(interaction: Interaction, repliers: dict[int, int]) -> None:
    rule = FeedbackSettings.load().credit_rule
    InteractionCredit.objects.filter(interaction=interaction).delete()
    if rule == CreditRule.ALL_REPLIERS and repliers:
        total = sum(repliers.values()) or 1
        InteractionCredit.objects.bulk_create(
            InteractionCredit(interaction=interaction, person_id=pid, replies=n, weight=n / total)
            for pid, n in repliers.items()
        )
    elif interaction.agent_id:
        InteractionCredit.objects.create(
            interaction=interaction,
            person_id=interaction.agent_id,
            weight=1.0,
            replies=repliers.get(interaction.agent_id, 0),
        )


@transaction.atomic
def record_interaction(data: InteractionInput, *, actor: Any = None) -> tuple[Interaction, bool]:
    if not data.external_id:
        raise FeedbackError("An interaction needs an id from its source system.")
    values = {
        "channel": data.channel,
        "subject": data.subject[:255],
        "customer": data.customer,
        "agent": data.agent,
        "team": data.team or (data.agent.team if data.agent else None),
        "priority": data.priority,
        "status": data.status,
        "created_at": data.created_at,
        "first_response_at": data.first_response_at,
        "resolved_at": data.resolved_at,
        "handle_time_seconds": data.handle_time_seconds,
        "pending_seconds": data.pending_seconds,
        "reopen_count": data.reopen_count,
        "reply_count": data.reply_count,
        "tags": data.tags,
        "is_generated": data.is_generated,
    }
    interaction, created = Interaction.objects.update_or_create(
        source=data.source, external_id=data.external_id, defaults=values
    )
    _apply_credit(interaction, data.repliers)
    from everyweek.feedback import standards

    standards.evaluate_interaction(interaction)
    if actor is not None:
        audit.record(actor, "interaction.create" if created else "interaction.update", interaction)
    return interaction, created


def _leader_of(person: Person | None) -> Person | None:
    if person is None:
        return None
    return person.reports_to


def follow_up_reason(response: SurveyResponse, config: FeedbackSettings) -> str | None:
    if response.nps is not None and response.nps <= config.nps_detractor_max:
        return FollowUpReason.DETRACTOR
    on_five = response.csat_on_five
    if on_five is not None and on_five <= config.csat_unhappy_max:
        return FollowUpReason.LOW_CSAT
    return None


def open_follow_up(
    response: SurveyResponse, reason: str, config: FeedbackSettings | None = None
) -> FollowUpCase | None:
    """Open a case for an unhappy customer, once per response, owned by the agent's leader."""
    if FollowUpCase.objects.filter(response=response).exists():
        return None
    config = config or FeedbackSettings.load()
    agent = response.agent
    case = FollowUpCase.objects.create(
        response=response,
        reason=reason,
        agent=agent,
        owner=_leader_of(agent) or agent,
        due_at=timezone.now() + dt.timedelta(hours=config.follow_up_due_hours),
    )
    audit.record(None, "follow_up.open", case, {"reason": reason})
    return case


@transaction.atomic
def record_response(data: ResponseInput, *, actor: Any = None) -> tuple[SurveyResponse, bool]:
    """Store or update one answer; open a follow-up case when the customer is unhappy."""
    if not data.external_id:
        raise FeedbackError("A response needs an id from its source.")
    validate_scores(data.nps, data.csat, data.csat_scale, data.ces)
    interaction = data.interaction
    agent = data.agent or (interaction.agent if interaction else None)
    team = (
        data.team or (interaction.team if interaction else None) or (agent.team if agent else None)
    )
    values: dict[str, Any] = {
        "interaction": interaction,
        "survey": data.survey,
        "customer": data.customer or (interaction.customer if interaction else None),
        "agent": agent,
        "team": team,
        "channel": data.channel or (interaction.channel if interaction else ""),
        "nps": data.nps,
        "csat": data.csat,
        "csat_scale": data.csat_scale,
        "ces": data.ces,
        "comment": data.comment,
        "reason_codes": data.reason_codes,
        "language": data.language,
        "submitted_at": data.submitted_at,
        "is_generated": data.is_generated,
    }
    if data.invitation is not None:
        values["invitation"] = data.invitation
    response, created = SurveyResponse.objects.update_or_create(
        source=data.source, external_id=data.external_id, defaults=values
    )
    # A recovery survey reports back on its follow-up case instead of opening another one.
    is_recovery = data.survey is not None and data.survey.is_recovery
    config = FeedbackSettings.load()
    reason = None if is_recovery else follow_up_reason(response, config)
    if reason:
        open_follow_up(response, reason, config)
    if response.comment.strip():
        # Imported lazily: the analysis app imports this module.
        from everyweek.analysis.tasks import analyse_response_task
        from everyweek.core.tasks import enqueue_on_commit

        enqueue_on_commit(analyse_response_task, response.pk)
    if actor is not None:
        audit.record(actor, "response.create" if created else "response.update", response)
    return response, created
