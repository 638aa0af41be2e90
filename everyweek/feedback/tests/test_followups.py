"""The closed loop: cases open for unhappy customers, get worked on, escalate when overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.customers.models import Customer
from everyweek.feedback import followups, invitations
from everyweek.feedback.models import (
    FollowUpCase,
    FollowUpReason,
    FollowUpStatus,
    Interaction,
    InvitationStatus,
    SurveyInvitation,
    SurveyResponse,
)
from everyweek.feedback.services import FeedbackError, ResponseInput, record_response
from everyweek.notifications.models import OutboundEmail
from everyweek.people.models import Person


@pytest.fixture
def detractor_case(invitation: SurveyInvitation) -> FollowUpCase:
    response = invitations.submit_answer(invitation, {"nps": 2, "comment": "Nobody called back"})
    return FollowUpCase.objects.get(response=response)


def test_a_detractor_opens_a_case_owned_by_the_agents_leader(
    org: Org, detractor_case: FollowUpCase
) -> None:
    assert detractor_case.reason == FollowUpReason.DETRACTOR
    assert detractor_case.agent == org.alice
    assert detractor_case.owner == org.lenny
    assert detractor_case.status == FollowUpStatus.OPEN
    assert detractor_case.due_at > timezone.now()


def test_a_promoter_opens_no_case(invitation: SurveyInvitation) -> None:
    invitations.submit_answer(invitation, {"nps": 9, "csat": 5})
    assert not FollowUpCase.objects.exists()


def test_a_complaint_found_in_the_text_opens_a_case_once(org: Org) -> None:
    response, _created = record_response(
        ResponseInput(
            source="import",
            external_id="r1",
            submitted_at=timezone.now(),
            agent=org.alice,
            nps=9,
            comment="Great agent but the product broke again",
        )
    )
    assert not FollowUpCase.objects.exists()
    case = followups.open_complaint_case(response)
    again = followups.open_complaint_case(response)
    assert case.pk == again.pk
    assert case.reason == FollowUpReason.COMPLAINT
    assert case.owner == org.lenny


def test_a_complaint_on_a_detractor_keeps_the_one_case(detractor_case: FollowUpCase) -> None:
    assert followups.open_complaint_case(detractor_case.response).pk == detractor_case.pk
    assert FollowUpCase.objects.count() == 1


def test_notes_status_and_outcome_are_recorded_and_audited(
    org: Org, detractor_case: FollowUpCase
) -> None:
    followups.add_note(actor=org.lenny, case=detractor_case, text="Called, apologised.")
    detractor_case.refresh_from_db()
    assert detractor_case.status == FollowUpStatus.IN_PROGRESS  # someone is on it
    followups.update_case(
        actor=org.lenny,
        case=detractor_case,
        status=FollowUpStatus.RESOLVED,
        outcome="Refunded the shipping",
    )
    detractor_case.refresh_from_db()
    assert detractor_case.closed_at is not None
    assert detractor_case.outcome == "Refunded the shipping"
    assert AuditEvent.objects.filter(action="follow_up.update", actor=org.lenny).exists()
    followups.update_case(actor=org.lenny, case=detractor_case, status=FollowUpStatus.OPEN)
    detractor_case.refresh_from_db()
    assert detractor_case.closed_at is None
    with pytest.raises(FeedbackError):
        followups.add_note(actor=org.lenny, case=detractor_case, text="   ")


def test_median_time_to_close_in_hours(org: Org, detractor_case: FollowUpCase) -> None:
    assert followups.median_hours_to_close(FollowUpCase.objects.all()) is None
    FollowUpCase.objects.filter(pk=detractor_case.pk).update(
        closed_at=detractor_case.opened_at + dt.timedelta(hours=5)
    )
    assert followups.median_hours_to_close(FollowUpCase.objects.all()) == 5.0


def test_an_overdue_case_escalates_to_the_owners_leader_once(
    org: Org, detractor_case: FollowUpCase
) -> None:
    Person.objects.filter(pk=org.mona.pk).update(locale="de")
    later = detractor_case.due_at + dt.timedelta(hours=3)
    assert followups.escalate_overdue(now=detractor_case.due_at - dt.timedelta(minutes=1)) == 0
    assert followups.escalate_overdue(now=later) == 1
    assert followups.escalate_overdue(now=later + dt.timedelta(hours=1)) == 0
    detractor_case.refresh_from_db()
    assert detractor_case.escalated_to == org.mona  # lenny's leader
    assert detractor_case.escalated_at == later
    email = OutboundEmail.objects.get(template="feedback/email/escalation")
    assert email.to_email == "mona@example.com"
    assert email.language == "de"
    assert f"/feedback/follow-ups/{detractor_case.pk}/" in email.body_text
    assert "eskaliert" in email.subject


def test_a_closed_case_does_not_escalate(org: Org, detractor_case: FollowUpCase) -> None:
    followups.update_case(actor=org.lenny, case=detractor_case, status=FollowUpStatus.RESOLVED)
    assert followups.escalate_overdue(now=detractor_case.due_at + dt.timedelta(days=3)) == 0


def test_the_recovery_survey_is_a_fresh_invitation_and_reports_back(
    org: Org, detractor_case: FollowUpCase
) -> None:
    invitation = followups.send_recovery_survey(actor=org.lenny, case=detractor_case)
    assert invitation.survey.is_recovery
    assert invitation.status == InvitationStatus.SENT
    assert invitation.pk != detractor_case.response.invitation_id
    assert OutboundEmail.objects.filter(template="feedback/email/invitation").count() == 2
    with pytest.raises(FeedbackError):
        followups.send_recovery_survey(actor=org.lenny, case=detractor_case)
    answer = invitations.submit_answer(invitation, {"csat": 1})
    # A still-unhappy answer to the recovery survey reports on this case, never opens another.
    assert FollowUpCase.objects.count() == 1
    detractor_case.refresh_from_db()
    assert detractor_case.recovery_invitation == invitation
    assert answer.pk != detractor_case.response.pk
    assert SurveyResponse.objects.count() == 2


def test_no_recovery_survey_to_an_unsubscribed_customer(
    org: Org, detractor_case: FollowUpCase
) -> None:
    invitations.unsubscribe("carla@example.net")
    with pytest.raises(FeedbackError):
        followups.send_recovery_survey(actor=org.lenny, case=detractor_case)


def test_leaders_see_cases_in_their_scope_agents_none(
    org: Org,
    survey: object,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    alice_case = _case_for(org.alice, make_customer, make_interaction, "a@example.net")
    bruno_case = _case_for(org.bruno, make_customer, make_interaction, "b@example.net")
    assert set(followups.cases_for(org.lenny)) == {alice_case}
    assert set(followups.cases_for(org.mona)) == {alice_case, bruno_case}
    assert set(followups.cases_for(org.erin)) == {alice_case, bruno_case}
    assert not followups.cases_for(org.alice).exists()
    assert not followups.cases_for(org.sam).exists()


def _case_for(
    agent: Person,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
    email: str,
) -> FollowUpCase:
    invitation = invitations.link_invitation(
        make_interaction(make_customer(email, email), agent=agent)
    )
    response = invitations.submit_answer(invitation, {"nps": 0})
    return FollowUpCase.objects.get(response=response)
