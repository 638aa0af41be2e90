"""Invitation and password-reset emails travel over real SMTP (aiosmtpd on loopback)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from everyweek.conftest import Org
from everyweek.notifications.models import EmailStatus, OutboundEmail
from everyweek.notifications.tests.smtp import SmtpSink, smtp_server
from everyweek.people.services import invite_person

NEW_PASSWORD = "una password nuova 2024"


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    with smtp_server(settings) as sink:
        yield sink


def link_in(text: str, site_url: str) -> str:
    match = re.search(re.escape(site_url) + r"(/\S+/)", text)
    assert match, f"no link to {site_url} in:\n{text}"
    return match.group(1)


def test_invitation_reaches_bruno_in_italian_and_its_link_sets_his_password(
    org: Org, smtp: SmtpSink, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    org.bruno.set_unusable_password()
    org.bruno.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite_person(actor=org.ada, person=org.bruno)

    [received] = smtp.to("bruno@example.com")
    assert received.subject == "Sei invitato su everyweek"
    assert received.message["Content-Language"] == "it"
    text, html = received.text_body(), received.html_body()
    assert "Ciao Bruno" in text
    assert "Scegli la tua password" in text
    assert "Scegli la tua password" in html
    path = link_in(text, settings.SITE_URL)
    assert f'href="{settings.SITE_URL}{path}"' in html
    assert path.startswith("/invitation/")
    assert OutboundEmail.objects.get(to_email="bruno@example.com").status == EmailStatus.SENT

    browser = Client()
    assert browser.get(path).status_code == 200
    response = browser.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")

    response = browser.post(
        reverse("login"), {"username": "bruno@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert browser.get(reverse("home")).context["user"] == org.bruno
    # The link is single-use: the new password invalidates its token.
    assert Client().get(path).status_code == 400


def test_password_reset_email_reaches_the_server_and_the_outbox(
    org: Org, smtp: SmtpSink, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("password_reset"), {"email": "bruno@example.com"})
    assert response.status_code == 302

    [received] = smtp.to("bruno@example.com")
    assert received.subject == OutboundEmail.objects.get().subject
    assert received.message["Content-Language"] == "it"
    path = link_in(received.text_body(), settings.SITE_URL)
    assert path.startswith("/account/reset/")
    assert path in received.html_body()
    email = OutboundEmail.objects.get(to_email="bruno@example.com")
    assert (email.template, email.status, email.attempts) == (
        "people/email/password_reset",
        EmailStatus.SENT,
        1,
    )


def test_password_reset_for_an_unknown_address_sends_nothing(
    db: Any, smtp: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302  # same answer, so addresses cannot be probed
    assert smtp.messages == []
    assert not OutboundEmail.objects.exists()
