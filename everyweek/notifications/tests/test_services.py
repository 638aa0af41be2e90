"""Rendering, storing and queueing email (Django's in-memory backend; SMTP has its own tests)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.notifications import services
from everyweek.notifications.models import EmailStatus, OutboundEmail
from everyweek.notifications.services import retry_due_emails, send_email

INVITATION = "people/email/invitation"


def invite(person: Any, inviter: Any = None) -> OutboundEmail:
    return send_email(
        to=person,
        template=INVITATION,
        context={"person": person, "inviter": inviter, "url": "https://ew.example/set/abc/"},
    )


def failed_email(attempts: int, last_attempt_ago: timedelta, **fields: Any) -> OutboundEmail:
    return OutboundEmail.objects.create(
        to_email="someone@example.com",
        language="en",
        template=INVITATION,
        subject="Hello",
        body_text="Hello",
        status=EmailStatus.FAILED,
        attempts=attempts,
        last_attempt_at=timezone.now() - last_attempt_ago,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        **fields,
    )


def test_email_is_written_in_the_recipients_language(org: Org) -> None:
    email = invite(org.bruno, inviter=org.ada)

    assert email.language == "it"
    assert email.subject == "Sei invitato su everyweek"
    assert "Scegli la tua password" in email.body_text
    assert "Scegli la tua password" in email.body_html
    assert email.status == EmailStatus.QUEUED


def test_an_explicit_language_wins_over_the_recipients(org: Org) -> None:
    email = send_email(
        to=org.bruno,
        template=INVITATION,
        context={"person": org.bruno, "url": "https://ew.example/x/"},
        language="de",
    )
    assert email.language == "de"


def test_an_unsupported_locale_falls_back_to_the_site_language(org: Org) -> None:
    org.alice.locale = "xx"
    email = invite(org.alice)
    assert email.language == "en"
    assert email.subject == "You are invited to everyweek"


def test_the_text_part_is_not_html_escaped_but_the_html_part_is(org: Org) -> None:
    org.alice.full_name = "Ann <O'Brien>"
    org.alice.preferred_name = ""
    org.ada.full_name = "Ada <b>Admin</b>"

    email = invite(org.alice, inviter=org.ada)

    assert "Ada <b>Admin</b> has invited you" in email.body_text
    assert "customers' feedback" in email.body_text
    assert "Ada &lt;b&gt;Admin&lt;/b&gt; has invited you" in email.body_html
    assert "<b>Admin</b>" not in email.body_html


def test_an_address_without_a_person_gets_the_site_language(db: Any) -> None:
    email = send_email(
        to="guest@example.com",
        template=INVITATION,
        context={"person": None, "url": "https://ew.example/x/"},
    )
    assert (email.to_email, email.recipient, email.language) == ("guest@example.com", None, "en")


def test_email_is_delivered_after_commit_and_stored_as_sent(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = invite(org.bruno)
        assert mail.outbox == []  # nothing leaves before the transaction commits

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 1, "")
    assert email.sent_at is not None
    [message] = mail.outbox
    assert message.to == ["bruno@example.com"]
    assert message.extra_headers["Content-Language"] == "it"
    assert isinstance(message, EmailMultiAlternatives)
    assert message.alternatives[0][1] == "text/html"


def test_a_rolled_back_transaction_neither_stores_nor_sends(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                invite(org.alice)
                raise RuntimeError("the surrounding write failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_delivering_a_sent_email_again_does_nothing(org: Org) -> None:
    email = invite(org.alice)
    services.deliver(email.pk)
    services.deliver(email.pk)

    email.refresh_from_db()
    assert len(mail.outbox) == 1
    assert email.attempts == 1


def test_a_failed_email_is_not_attempted_again_until_it_is_queued(org: Org) -> None:
    email = failed_email(attempts=1, last_attempt_ago=timedelta(hours=1))
    services.deliver(email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert mail.outbox == []


def test_delivering_a_deleted_email_is_harmless(db: Any) -> None:
    assert services.deliver(424242) is None


def test_an_admin_retry_queues_and_delivers_and_is_audited(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    email = failed_email(attempts=5, last_attempt_ago=timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_email(actor=org.ada, email=email)

    email.refresh_from_db()
    # An admin may go beyond EMAIL_MAX_ATTEMPTS; the automatic retry may not.
    assert (email.status, email.attempts) == (EmailStatus.SENT, 6)
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="email.retry")
    assert event.actor == org.ada
    assert event.target_id == str(email.pk)


def test_retrying_a_sent_email_is_refused(org: Org) -> None:
    email = invite(org.alice)
    services.deliver(email.pk)
    with pytest.raises(services.NotificationError):
        services.retry_email(actor=org.ada, email=email)
    assert not AuditEvent.objects.filter(action="email.retry").exists()


def test_retry_delay_doubles_up_to_a_ceiling() -> None:
    delays = [services.retry_delay(n) for n in range(1, 10)]
    assert delays[:4] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert delays == sorted(delays)
    assert delays[-1] == services.RETRY_MAX_DELAY


def test_a_failed_email_is_retried_only_after_its_back_off(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    waiting = failed_email(attempts=2, last_attempt_ago=timedelta(minutes=9))
    due = failed_email(attempts=2, last_attempt_ago=timedelta(minutes=11))

    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due_emails() == 1

    waiting.refresh_from_db()
    due.refresh_from_db()
    assert waiting.status == EmailStatus.FAILED
    assert (due.status, due.attempts) == (EmailStatus.SENT, 3)
    assert [m.to for m in mail.outbox] == [["someone@example.com"]]


def test_automatic_retries_stop_at_the_maximum_attempts(db: Any, settings: Any) -> None:
    settings.EMAIL_MAX_ATTEMPTS = 3
    exhausted = failed_email(attempts=3, last_attempt_ago=timedelta(days=2))
    assert retry_due_emails() == 0
    exhausted.refresh_from_db()
    assert exhausted.status == EmailStatus.FAILED


def test_the_periodic_retry_is_idempotent(db: Any) -> None:
    email = failed_email(attempts=1, last_attempt_ago=timedelta(hours=1))
    # Without running the on-commit hooks the email stays queued, as if no worker were running.
    assert retry_due_emails() == 1
    assert retry_due_emails() == 0
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED


def test_a_queued_email_whose_task_was_lost_is_queued_again(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    email = invite(org.alice)  # the on-commit hook never runs here: its task is "lost"
    OutboundEmail.objects.filter(pk=email.pk).update(
        queued_at=timezone.now() - services.STALE_QUEUED_AFTER - timedelta(minutes=1)
    )
    fresh = invite(org.lenny)

    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due_emails() == 1

    email.refresh_from_db()
    fresh.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert fresh.status == EmailStatus.QUEUED
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_the_retry_command_reports_what_it_queued(db: Any, capsys: Any) -> None:
    failed_email(attempts=1, last_attempt_ago=timedelta(hours=1))
    call_command("retry_emails")
    assert "1 email(s) queued" in capsys.readouterr().out


def test_a_spanish_customer_email_is_recorded_in_spanish(db) -> None:  # type: ignore[no-untyped-def]
    from everyweek.notifications.services import email_language

    assert email_language(None, "es") == "es"
    assert email_language(None, "fr") == "fr"
    assert email_language(None, "xx") == "en"
