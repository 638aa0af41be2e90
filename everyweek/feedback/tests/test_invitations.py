"""Invitations: the signed link, scheduling with delay and suppression, sending, unsubscribing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from everyweek.conftest import Org
from everyweek.customers.models import Customer
from everyweek.feedback import invitations
from everyweek.feedback.invitations import ExpiredLink, InvalidLink
from everyweek.feedback.models import (
    Interaction,
    InvitationStatus,
    Survey,
    SurveyInvitation,
    SurveyText,
    Unsubscribe,
)
from everyweek.notifications.models import OutboundEmail

Later = Callable[..., dt.datetime]


def hours(n: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=n)


# --- The default survey -------------------------------------------------------------------


def test_default_survey_speaks_six_languages_and_is_created_once(db: object) -> None:
    first = invitations.ensure_default_survey()
    again = invitations.ensure_default_survey()
    assert first.pk == again.pk
    assert invitations.survey_languages(first) == ["de", "en", "es", "fr", "it", "th"]
    italian = SurveyText.objects.get(survey=first, language="it")
    assert "consigli" in italian.nps_question
    assert italian.reason_labels["waiting_time"] == "Tempo di attesa"
    thai = SurveyText.objects.get(survey=first, language="th")
    assert "แนะนำ" in thai.nps_question


def test_admin_edits_to_the_wording_survive_ensure_default_survey(survey: Survey) -> None:
    SurveyText.objects.filter(survey=survey, language="en").update(nps_question="Would you?")
    invitations.ensure_default_survey()
    assert SurveyText.objects.get(survey=survey, language="en").nps_question == "Would you?"


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [("it", "it"), ("de-AT", "de"), ("pt-br", "en"), ("", "en"), ("TH", "th")],
)
def test_the_survey_language_follows_the_customer_with_english_as_fallback(
    survey: Survey, wanted: str, expected: str
) -> None:
    assert invitations.pick_language(invitations.survey_languages(survey), wanted) == expected


# --- The signed link ------------------------------------------------------------------------


def test_a_genuine_link_names_its_invitation(invitation: SurveyInvitation) -> None:
    assert invitations.read_token(invitations.make_token(invitation)).pk == invitation.pk


def test_a_tampered_link_is_refused(invitation: SurveyInvitation) -> None:
    token = invitations.make_token(invitation)
    payload, signature = token.rsplit(":", 1)
    forged_payload = signing.Signer(salt="other").sign_object([invitation.pk + 1, invitation.nonce])
    for bad in [
        f"{payload}:{signature[:-2]}xx",
        f"{forged_payload.rsplit(':', 1)[0]}:{signature}",
        forged_payload,
        "not-a-token",
        "",
    ]:
        with pytest.raises(InvalidLink):
            invitations.read_token(bad)


def test_a_link_signed_for_another_nonce_is_refused(invitation: SurveyInvitation) -> None:
    old = invitations.make_token(invitation)
    invitation.nonce = "rotated-nonce"
    invitation.save(update_fields=["nonce"])
    with pytest.raises(InvalidLink):
        invitations.read_token(old)


def test_an_expired_link_is_recognised_as_expired(invitation: SurveyInvitation) -> None:
    token = invitations.make_token(invitation)
    with time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1)):
        with pytest.raises(ExpiredLink) as caught:
            invitations.read_token(token)
        assert caught.value.invitation.pk == invitation.pk
        assert invitations.read_token(token, allow_expired=True).pk == invitation.pk


# --- Scheduling --------------------------------------------------------------------------------


def test_an_invitation_is_scheduled_after_the_survey_delay(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    interaction = make_interaction(make_customer(locale="de"), resolved_ago=dt.timedelta(0))
    invitation = invitations.schedule_invitation(interaction)
    assert invitation is not None
    assert invitation.status == InvitationStatus.SCHEDULED
    assert invitation.language == "de"
    assert interaction.resolved_at is not None
    assert invitation.scheduled_for == interaction.resolved_at + dt.timedelta(minutes=60)
    assert invitations.send_due_invitations(now=hours(0.5)).sent == 0
    assert invitations.send_due_invitations(now=hours(1.1)).sent == 1


def test_scheduling_twice_gives_the_same_invitation(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    interaction = make_interaction(make_customer())
    first = invitations.schedule_invitation(interaction)
    second = invitations.schedule_invitation(interaction)
    assert first is not None and second is not None and first.pk == second.pk
    assert SurveyInvitation.objects.count() == 1


def test_an_unresolved_interaction_is_not_surveyed(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    interaction = make_interaction(make_customer())
    interaction.resolved_at = None
    assert invitations.schedule_invitation(interaction) is None


def test_a_customer_is_asked_at_most_once_per_suppression_window(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    customer = make_customer()
    first = invitations.schedule_invitation(make_interaction(customer))
    second = invitations.schedule_invitation(make_interaction(customer))
    assert first is not None and first.status == InvitationStatus.SCHEDULED
    assert second is not None and second.status == InvitationStatus.SUPPRESSED
    assert invitations.send_due_invitations(now=hours(2)).sent == 1
    # Another customer is not affected.
    other = invitations.schedule_invitation(
        make_interaction(make_customer("Otto", "otto@example.net"))
    )
    assert other is not None and other.status == InvitationStatus.SCHEDULED


def test_the_customer_can_be_asked_again_once_the_window_has_passed(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    customer = make_customer()
    invitations.schedule_invitation(make_interaction(customer))
    invitations.send_due_invitations(now=hours(2))
    with time_machine.travel(timezone.now() + dt.timedelta(days=survey.suppression_days + 1)):
        later = invitations.schedule_invitation(make_interaction(customer))
    assert later is not None and later.status == InvitationStatus.SCHEDULED


def test_a_customer_without_an_address_gets_a_link_but_no_email(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    invitation = invitations.schedule_invitation(make_interaction(make_customer(email="")))
    assert invitation is not None and invitation.status == InvitationStatus.LINK
    assert invitations.send_due_invitations(now=hours(24)).sent == 0
    assert not OutboundEmail.objects.exists()


def test_an_old_contact_imported_today_is_not_emailed(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    interaction = make_interaction(make_customer(), resolved_ago=dt.timedelta(days=40))
    invitation = invitations.schedule_invitation(interaction)
    assert invitation is not None and invitation.status == InvitationStatus.LINK


# --- Sending ----------------------------------------------------------------------------------


def test_send_surveys_emails_each_invitation_once(invitation: SurveyInvitation) -> None:
    assert invitation.status == InvitationStatus.SENT
    assert invitation.sent_at is not None
    again = invitations.send_due_invitations(now=hours(3))
    assert again.sent == 0
    assert OutboundEmail.objects.filter(template="feedback/email/invitation").count() == 1


def test_the_email_offers_every_score_as_a_link(invitation: SurveyInvitation) -> None:
    email = OutboundEmail.objects.get(template="feedback/email/invitation")
    assert email.to_email == "carla@example.net"
    links = re.findall(r'href="([^"]+)" data-score="(\d+)"', email.body_html)
    assert [int(score) for _url, score in links] == list(range(0, 11))
    token = invitations.make_token(invitation)
    for url, score in links:
        assert url.startswith("http") and f"/s/{token}/?score={score}" in url.replace("&amp;", "&")
    assert f"/s/{token}/unsubscribe/" in email.body_html
    assert "Alice" in email.body_text  # the agent who helped, by first name


def test_the_email_arrives_in_italian_for_an_italian_customer(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    customer = make_customer("Giulia Rossi", "giulia@example.it", locale="it")
    invitations.schedule_invitation(make_interaction(customer))
    invitations.send_due_invitations(now=hours(2))
    email = OutboundEmail.objects.get(to_email="giulia@example.it")
    assert email.language == "it"
    assert email.subject.startswith("Com'è andata?")
    assert "Ciao Giulia Rossi," in email.body_text
    assert "Quanto è probabile che ci consigli" in email.body_html
    assert "Clicca su un punteggio per rispondere" in email.body_html
    assert "Annulla l'iscrizione ai sondaggi" in email.body_html


def test_reminders_are_off_by_default(invitation: SurveyInvitation) -> None:
    report = invitations.send_due_invitations(now=hours(24 * 5))
    assert report.reminded == 0
    assert OutboundEmail.objects.count() == 1


def test_one_reminder_is_sent_when_the_survey_asks_for_it(invitation: SurveyInvitation) -> None:
    Survey.objects.filter(pk=invitation.survey_id).update(
        reminders_enabled=True, reminder_after_hours=48
    )
    assert invitations.send_due_invitations(now=hours(24)).reminded == 0
    assert invitations.send_due_invitations(now=hours(50)).reminded == 1
    assert invitations.send_due_invitations(now=hours(100)).reminded == 0
    reminder = OutboundEmail.objects.order_by("pk").last()
    assert reminder is not None and reminder.subject.startswith("A reminder")


def test_no_reminder_once_the_customer_answered(invitation: SurveyInvitation) -> None:
    Survey.objects.filter(pk=invitation.survey_id).update(reminders_enabled=True)
    invitations.submit_answer(invitation, {"nps": 10})
    assert invitations.send_due_invitations(now=hours(24 * 5)).reminded == 0


def test_unanswered_invitations_expire(invitation: SurveyInvitation) -> None:
    report = invitations.send_due_invitations(now=invitation.expires_at + dt.timedelta(minutes=1))
    assert report.expired == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.EXPIRED


# --- Unsubscribing ----------------------------------------------------------------------------


def test_an_unsubscribed_address_is_never_surveyed(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    invitations.unsubscribe("Carla@Example.net")
    invitation = invitations.schedule_invitation(make_interaction(make_customer()))
    assert invitation is not None and invitation.status == InvitationStatus.UNSUBSCRIBED
    assert invitations.send_due_invitations(now=hours(2)).sent == 0


def test_unsubscribing_withdraws_invitations_not_yet_sent(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    invitation = invitations.schedule_invitation(make_interaction(make_customer()))
    invitations.unsubscribe("carla@example.net")
    invitations.unsubscribe("carla@example.net")  # twice is fine
    assert Unsubscribe.objects.count() == 1
    assert invitations.send_due_invitations(now=hours(2)).sent == 0
    assert invitation is not None
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.UNSUBSCRIBED


# --- Answers and response rate ------------------------------------------------------------------


def test_answering_twice_updates_one_response(invitation: SurveyInvitation) -> None:
    first = invitations.submit_answer(invitation, {"nps": 3})
    second = invitations.submit_answer(invitation, {"comment": "Actually fine"})
    third = invitations.submit_answer(invitation, {"nps": 8})
    assert first.pk == second.pk == third.pk
    third.refresh_from_db()
    assert (third.nps, third.comment) == (8, "Actually fine")
    assert third.invitation_id == invitation.pk
    assert third.external_id == f"inv-{invitation.pk}"
    assert third.submitted_at == first.submitted_at
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.RESPONDED


def test_response_rate_is_answered_over_sent(
    org: Org,
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    from everyweek.feedback.selectors import invitations_for, response_rate

    sent = []
    for n in range(4):
        customer = make_customer(f"C{n}", f"c{n}@example.net")
        sent.append(invitations.schedule_invitation(make_interaction(customer)))
    invitations.schedule_invitation(make_interaction(make_customer("No mail", "")))  # not sent
    invitations.send_due_invitations(now=hours(2))
    for invitation in sent[:3]:
        assert invitation is not None
        invitations.submit_answer(invitation, {"nps": 9})
    rate = response_rate(invitations_for(org.lenny))
    assert (rate.sent, rate.responded, rate.rate) == (4, 3, 75.0)
    assert response_rate(invitations_for(org.bruno)).rate is None  # not his interactions
