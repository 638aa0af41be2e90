"""RFC 8058 one-click unsubscribe: the headers on every survey email, and the endpoint they name.

The emails go through Django's SMTP backend to a real SMTP server (aiosmtpd) on loopback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from everyweek.customers.models import Customer
from everyweek.feedback import invitations
from everyweek.feedback.models import (
    Interaction,
    InvitationStatus,
    Survey,
    SurveyInvitation,
    Unsubscribe,
)
from everyweek.notifications.models import OutboundEmail
from everyweek.notifications.tests.smtp import Received, SmtpSink, smtp_server

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    settings.SITE_URL = "https://surveys.example.org"
    with smtp_server(settings) as sink:
        yield sink


def one_click_path(invitation: SurveyInvitation) -> str:
    return f"/s/{invitations.make_token(invitation)}/unsubscribe/one-click/"


def later(hours: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


@pytest.fixture
def emailed(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
    smtp: SmtpSink,
    django_capture_on_commit_callbacks: Any,
) -> tuple[SurveyInvitation, Received]:
    """An invitation that really went through SMTP, and the message the server received."""
    invitation = invitations.schedule_invitation(make_interaction(make_customer()))
    assert invitation is not None
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send_due_invitations(now=later(2))
    invitation.refresh_from_db()
    [received] = smtp.to("carla@example.net")
    return invitation, received


def test_the_delivered_invitation_carries_both_one_click_headers(
    emailed: tuple[SurveyInvitation, Received],
) -> None:
    invitation, received = emailed
    expected = f"https://surveys.example.org{one_click_path(invitation)}"
    # The whole value, unbroken by header folding.
    assert str(received.message["List-Unsubscribe"]).strip() == f"<{expected}>"
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Stored with the email, so a retry from the outbox sends the same headers.
    email = OutboundEmail.objects.get(template="feedback/email/invitation")
    assert email.headers["List-Unsubscribe"] == f"<{expected}>"
    assert received.message["X-Everyweek-Email"] == str(email.pk)


def test_the_reminder_carries_the_headers_too(
    emailed: tuple[SurveyInvitation, Received],
    smtp: SmtpSink,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invitation, _first = emailed
    Survey.objects.filter(pk=invitation.survey_id).update(
        reminders_enabled=True, reminder_after_hours=48
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.send_due_invitations(now=later(50)).reminded == 1
    _first_again, reminder = smtp.to("carla@example.net")
    assert reminder.subject.strip().startswith("A reminder")
    header = str(reminder.message["List-Unsubscribe"]).strip()
    assert header == f"<https://surveys.example.org{one_click_path(invitation)}>"
    assert reminder.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_unsubscribe_link_in_the_body_still_leads_to_the_confirm_page(
    emailed: tuple[SurveyInvitation, Received],
) -> None:
    invitation, received = emailed
    token = invitations.make_token(invitation)
    link = f"https://surveys.example.org/s/{token}/unsubscribe/"
    assert link in received.text_body()
    assert f'href="{link}"' in received.html_body()
    client = Client()
    page = client.get(link.removeprefix("https://surveys.example.org"))
    assert page.status_code == 200 and "carla@example.net" in page.content.decode()
    assert not Unsubscribe.objects.exists()
    done = client.post(link.removeprefix("https://surveys.example.org"))
    assert "You are unsubscribed" in done.content.decode()
    assert invitations.is_unsubscribed("carla@example.net")


def test_a_one_click_post_without_session_or_csrf_unsubscribes_and_withdraws_pending_invitations(
    emailed: tuple[SurveyInvitation, Received],
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    invitation, _received = emailed
    assert invitation.customer is not None
    # A second contact with Carla, scheduled but not yet emailed (suppression off for it).
    Survey.objects.filter(pk=invitation.survey_id).update(suppression_days=0)
    pending = invitations.schedule_invitation(make_interaction(invitation.customer))
    assert pending is not None and pending.status == InvitationStatus.SCHEDULED

    # What a mail provider's server does: no cookies, no CSRF token, the RFC 8058 body.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(one_click_path(invitation), ONE_CLICK)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    [entry] = Unsubscribe.objects.all()
    assert entry.email == "carla@example.net"
    pending.refresh_from_db()
    assert pending.status == InvitationStatus.UNSUBSCRIBED

    again = provider.post(one_click_path(invitation), ONE_CLICK)
    assert again.status_code == 200
    assert Unsubscribe.objects.count() == 1
    assert invitations.send_due_invitations(now=later(48)).sent == 0


def test_a_one_click_post_on_an_invitation_past_its_expiry_still_unsubscribes(
    invitation: SurveyInvitation,
) -> None:
    # An old email must stay unsubscribable, as its body link does (allow_expired there too).
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=later(-1))
    response = Client().post(one_click_path(invitation), ONE_CLICK)
    assert response.status_code == 200
    assert invitations.is_unsubscribed("carla@example.net")


def test_a_get_on_the_one_click_url_never_unsubscribes(invitation: SurveyInvitation) -> None:
    client = Client()
    for method in (client.get, client.head):
        response = method(one_click_path(invitation))
        assert response.status_code == 302
        assert response["Location"] == f"/s/{invitations.make_token(invitation)}/unsubscribe/"
    assert not Unsubscribe.objects.exists()
    # Following it shows the normal confirm page, still nothing changed.
    page = client.get(one_click_path(invitation), follow=True)
    assert page.status_code == 200 and "Stop sending surveys to" in page.content.decode()
    assert not Unsubscribe.objects.exists()


def test_a_forged_or_revoked_token_is_refused_and_changes_nothing(
    invitation: SurveyInvitation,
) -> None:
    token = invitations.make_token(invitation)
    payload, signature = token.rsplit(":", 1)
    forged = f"/s/{payload}:{signature[:-2]}xx/unsubscribe/one-click/"
    client = Client()
    assert client.post(forged, ONE_CLICK).status_code == 400
    # Replacing the nonce revokes every old link, this one included.
    revoked = one_click_path(invitation)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(nonce="a-new-nonce")
    assert client.post(revoked, ONE_CLICK).status_code == 400
    assert not Unsubscribe.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


def test_a_post_without_the_one_click_body_is_refused(invitation: SurveyInvitation) -> None:
    client = Client()
    assert client.post(one_click_path(invitation)).status_code == 400
    assert client.post(one_click_path(invitation), {"List-Unsubscribe": "x"}).status_code == 400
    assert not Unsubscribe.objects.exists()


def test_the_one_click_url_is_rate_limited_like_the_survey_pages(
    invitation: SurveyInvitation, settings: Any
) -> None:
    settings.SURVEY_RATE_LIMIT = 2
    settings.SURVEY_RATE_WINDOW = 60
    client = Client()
    statuses = [client.post(one_click_path(invitation), ONE_CLICK).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_one_click_page_speaks_the_customers_language(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    customer = make_customer("Giulia Rossi", "giulia@example.it", locale="it")
    invitation = invitations.schedule_invitation(make_interaction(customer))
    assert invitation is not None
    response = Client().post(one_click_path(invitation), ONE_CLICK)
    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    assert "giulia@example.it" in response.content.decode()
    assert invitations.is_unsubscribed("giulia@example.it")
