"""The closed loop: follow-up cases for unhappy customers, from opening to recovery.

`services.record_response` opens a case for a detractor or a low satisfaction score; the text
analysis calls `open_complaint_case` when a comment reads as a complaint. A case belongs to the
agent's leader by default; once overdue, `escalate_overdue` (the periodic
`everyweek escalate_followups`) hands it to the owner's own leader and emails them.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.core import audit
from everyweek.core.access import is_leader, person_scope
from everyweek.feedback import invitations, services
from everyweek.feedback.models import (
    FollowUpCase,
    FollowUpNote,
    FollowUpReason,
    FollowUpStatus,
    InvitationStatus,
    SurveyInvitation,
    SurveyResponse,
)
from everyweek.people.models import Person

logger = logging.getLogger(__name__)

OPEN_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS)
CLOSED_STATUSES = (FollowUpStatus.RESOLVED, FollowUpStatus.CLOSED)


# --- Reading -----------------------------------------------------------------------------


def cases_for(user: Any) -> QuerySet[FollowUpCase]:
    """The cases a leader may see: about people in their scope, or owned by or escalated to them."""
    if not is_leader(user):
        return FollowUpCase.objects.none()
    within = person_scope(user, "agent")
    if not within:  # an empty Q means "everything"; OR-ing it would narrow it instead
        return FollowUpCase.objects.all()
    return FollowUpCase.objects.filter(within | Q(owner=user) | Q(escalated_to=user))


def get_case_for_user(user: Any, pk: int) -> FollowUpCase:
    case = (
        cases_for(user)
        .select_related(
            "agent",
            "owner",
            "escalated_to",
            "response",
            "response__customer",
            "response__interaction",
            "response__survey",
            "recovery_invitation",
            "recovery_invitation__response",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def overdue_filter(now: dt.datetime | None = None) -> Q:
    return Q(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())


def median_hours_to_close(cases: QuerySet[FollowUpCase]) -> float | None:
    """Median time from opening to closing, in hours, over the closed cases in `cases`."""
    spans = [
        (closed - opened).total_seconds() / 3600
        for opened, closed in cases.filter(closed_at__isnull=False).values_list(
            "opened_at", "closed_at"
        )
        if closed is not None
    ]
    return round(statistics.median(spans), 1) if spans else None


# --- Writing -----------------------------------------------------------------------------


def open_complaint_case(response: SurveyResponse) -> FollowUpCase:
    """Called by the text analysis when a comment is a complaint, whatever the scores said.

    One case per response: if a detractor case is already open, that case is returned.
    """
    existing = FollowUpCase.objects.filter(response=response).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            case = services.open_follow_up(response, FollowUpReason.COMPLAINT)
    except IntegrityError:
        case = None  # opened by a concurrent call between the check and the insert
    return case or FollowUpCase.objects.get(response=response)


@transaction.atomic
def update_case(
    *,
    actor: Person,
    case: FollowUpCase,
    status: str | None = None,
    outcome: str | None = None,
    owner: Person | None = None,
) -> FollowUpCase:
    """Change a case's status, outcome or owner. Closing stamps `closed_at`; reopening clears it."""
    locked = FollowUpCase.objects.select_for_update().get(pk=case.pk)
    values: dict[str, Any] = {}
    if status is not None:
        if status not in FollowUpStatus.values:
            raise services.FeedbackError(_("Unknown status."))
        values["status"] = status
        if status in CLOSED_STATUSES and locked.closed_at is None:
            values["closed_at"] = timezone.now()
        elif status in OPEN_STATUSES:
            values["closed_at"] = None
    if outcome is not None:
        values["outcome"] = outcome.strip()
    if owner is not None:
        values["owner"] = owner
    changes = audit.diff(locked, values)
    for field, value in values.items():
        setattr(locked, field, value)
    if changes:
        locked.save(update_fields=list(values))
        audit.record(actor, "follow_up.update", locked, changes)
    return locked


@transaction.atomic
def add_note(*, actor: Person, case: FollowUpCase, text: str) -> FollowUpNote:
    text = text.strip()
    if not text:
        raise services.FeedbackError(_("A note cannot be empty."))
    note = FollowUpNote.objects.create(case=case, author=actor, text=text)
    # Writing the first note means someone is on it.
    if case.status == FollowUpStatus.OPEN:
        FollowUpCase.objects.filter(pk=case.pk, status=FollowUpStatus.OPEN).update(
            status=FollowUpStatus.IN_PROGRESS
        )
    audit.record(actor, "follow_up.note", case, {"note": note.pk})
    return note


@transaction.atomic
def send_recovery_survey(*, actor: Person, case: FollowUpCase) -> SurveyInvitation:
    """After following up, ask the customer once more how they feel now (a fresh invitation)."""
    locked = (
        FollowUpCase.objects.select_for_update(of=("self",))
        .select_related("response__interaction", "response__interaction__customer")
        .get(pk=case.pk)
    )
    if locked.recovery_invitation_id is not None:
        raise services.FeedbackError(_("A recovery survey was already sent for this case."))
    interaction = locked.response.interaction
    customer = interaction.customer if interaction else None
    if interaction is None or customer is None or not customer.email:
        raise services.FeedbackError(
            _("This response has no customer email address to send a recovery survey to.")
        )
    if invitations.is_unsubscribed(customer.email):
        raise services.FeedbackError(_("This customer has unsubscribed from surveys."))
    survey = invitations.ensure_recovery_survey()
    now = timezone.now()
    invitation = SurveyInvitation.objects.filter(interaction=interaction, survey=survey).first()
    if invitation is None:
        invitation = SurveyInvitation.objects.create(
            interaction=interaction,
            survey=survey,
            customer=customer,
            nonce=invitations._new_nonce(),
            language=invitations.pick_language(
                invitations.survey_languages(survey), customer.locale
            ),
            status=InvitationStatus.SCHEDULED,
            scheduled_for=now,
            expires_at=now + dt.timedelta(days=survey.link_valid_days),
        )
    invitations.send_invitation(invitation.pk, now=now)
    invitation.refresh_from_db()
    locked.recovery_invitation = invitation
    locked.save(update_fields=["recovery_invitation"])
    audit.record(actor, "follow_up.recovery_survey", locked, {"invitation": invitation.pk})
    return invitation


def escalation_target(case: FollowUpCase) -> Person | None:
    """The owner's leader; with no owner, the agent's leader's leader."""
    if case.owner is not None:
        return case.owner.reports_to
    agent = case.agent
    return agent.reports_to.reports_to if agent and agent.reports_to else None


@transaction.atomic
def escalate_case(case_id: int, *, now: dt.datetime | None = None) -> Person | None:
    """Escalate one overdue case once, under a lock; returns who it went to (None if nobody)."""
    from everyweek.notifications.services import send_email

    now = now or timezone.now()
    case = (
        FollowUpCase.objects.select_for_update(of=("self",))
        .select_related("owner__reports_to", "agent__reports_to__reports_to", "response")
        .filter(pk=case_id)
        .first()
    )
    if (
        case is None
        or case.escalated_at is not None
        or case.status not in OPEN_STATUSES
        or case.due_at >= now
    ):
        return None
    target = escalation_target(case)
    if target is None or not target.is_active:
        logger.info("Follow-up %s is overdue but has nobody to escalate to", case.pk)
        return None
    case.escalated_to = target
    case.escalated_at = now
    case.save(update_fields=["escalated_to", "escalated_at"])
    send_email(
        to=target,
        template="feedback/email/escalation",
        context={
            "case": case,
            "owner": case.owner,
            "agent": case.agent,
            "overdue_hours": int((now - case.due_at).total_seconds() // 3600),
            "case_url": reverse("feedback:case-detail", args=[case.pk]),
        },
    )
    audit.record(None, "follow_up.escalate", case, {"escalated_to": target.pk})
    return target


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """The periodic job (`everyweek escalate_followups`); idempotent, each case escalates once."""
    now = now or timezone.now()
    due = (
        FollowUpCase.objects.filter(overdue_filter(now), escalated_at__isnull=True)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(escalate_case(pk, now=now) is not None for pk in list(due))
