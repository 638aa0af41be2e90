"""Delivery through Django's SMTP backend to a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from everyweek.conftest import Org
from everyweek.notifications import services
from everyweek.notifications.models import EmailStatus, OutboundEmail
from everyweek.notifications.tasks import deliver_email
from everyweek.notifications.tests.smtp import SmtpSink, smtp_server


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    with smtp_server(settings) as sink:
        yield sink


def invite(person: Any) -> OutboundEmail:
    return services.send_email(
        to=person,
        template="people/email/invitation",
        context={"person": person, "url": "https://ew.example/set/abc/"},
    )


def test_an_email_reaches_the_smtp_server_with_text_and_html(
    org: Org, smtp: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = invite(org.bruno)

    [received] = smtp.messages
    assert received.recipients == ["bruno@example.com"]
    assert received.subject == "Sei invitato su everyweek"
    assert received.message["Content-Language"] == "it"
    assert received.message["X-Everyweek-Email"] == str(email.pk)
    assert "https://ew.example/set/abc/" in received.text_body()
    assert 'href="https://ew.example/set/abc/"' in received.html_body()
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_a_server_that_is_down_fails_the_email_then_a_retry_sends_it_exactly_once(
    org: Org, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with smtp_server(settings, started=False) as smtp:
        with django_capture_on_commit_callbacks(execute=True):
            email = invite(org.alice)

        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
        assert email.last_error.startswith("ConnectionRefusedError")
        assert email.sent_at is None

        smtp.start()
        # The periodic retry picks the email up once its back-off has passed …
        later = timezone.now() + services.retry_delay(1) + timedelta(seconds=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.retry_due_emails(now=later) == 1
        # … and neither running it again nor a stale duplicate task sends it a second time.
        with django_capture_on_commit_callbacks(execute=True):
            assert services.retry_due_emails(now=later + timedelta(days=1)) == 0
            deliver_email.enqueue(email.pk)

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "")
    assert len(smtp.to("alice@example.com")) == 1


def test_sending_the_same_email_twice_delivers_it_once(
    org: Org, smtp: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    email = invite(org.alice)
    with django_capture_on_commit_callbacks(execute=True):
        deliver_email.enqueue(email.pk)
        deliver_email.enqueue(email.pk)
    services.deliver(email.pk)

    assert len(smtp.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)


def test_an_admin_retry_of_a_failed_email_reaches_the_server(
    org: Org, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with smtp_server(settings, started=False) as smtp:
        email = invite(org.alice)
        services.deliver(email.pk)
        smtp.start()
        with django_capture_on_commit_callbacks(execute=True):
            services.retry_email(actor=org.ada, email=email)

    assert len(smtp.messages) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_stored_headers_go_on_the_message_and_the_outbox_headers_cannot_be_overridden(
    org: Org, smtp: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = services.send_email(
            to=org.alice,
            template="people/email/invitation",
            context={"person": org.alice, "url": "https://ew.example/set/abc/"},
            headers={"List-Unsubscribe": "<https://ew.example/u/1/>", "X-Everyweek-Email": "0"},
        )

    [received] = smtp.messages
    assert received.message["List-Unsubscribe"] == "<https://ew.example/u/1/>"
    assert received.message["X-Everyweek-Email"] == str(email.pk)
    email.refresh_from_db()
    assert email.headers["List-Unsubscribe"] == "<https://ew.example/u/1/>"
