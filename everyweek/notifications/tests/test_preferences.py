"""Email preferences: a person turns optional kinds of email off on their own settings page.

Sending goes through Django's SMTP backend to a real SMTP server (aiosmtpd) on loopback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.notifications import kinds, services
from everyweek.notifications.models import EmailPreference, EmailStatus, OutboundEmail
from everyweek.notifications.tests.smtp import SmtpSink, smtp_server

PAGE = reverse("notifications:preferences")
WEEKLY = "scorecards/email/weekly"
# Emails to an address (customers, partners) follow their own unsubscribe, not these settings.
CUSTOMER_TEMPLATES = {
    "feedback/email/invitation",
    "week/email/notice",
    "recognition/email/partner_kudos",
}


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    settings.SITE_URL = "https://ew.example.org"
    with smtp_server(settings) as sink:
        yield sink


def send_tip(person: Any) -> OutboundEmail:
    return services.send_email(to=person, template="week/email/tip", context={"tip": "Smile."})


def test_every_email_template_is_an_optional_kind_a_mandatory_one_or_a_customer_email() -> None:
    root = Path(django_settings.BASE_DIR)
    on_disk = {
        str(path.relative_to(path.parents[2])).removesuffix("_subject.txt")
        for path in root.glob("*/templates/*/email/*_subject.txt")
    }
    assert on_disk, "no email templates found"
    unclassified = on_disk - set(kinds.BY_TEMPLATE) - kinds.MANDATORY_TEMPLATES - CUSTOMER_TEMPLATES
    assert unclassified == set()
    assert set(kinds.BY_TEMPLATE) <= on_disk  # no kind names a template that is gone


def test_a_staff_email_is_sent_with_a_footer_linking_to_the_settings_page(
    org: Org, smtp: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = send_tip(org.alice)
    [received] = smtp.to("alice@example.com")
    text = received.text_body()
    assert "Smile." in text
    assert "You receive this email as: Customer Service Week tips." in text
    assert f"https://ew.example.org{PAGE}" in text
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_the_footer_is_in_the_recipients_language_and_inside_the_html_body(
    org: Org, smtp: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    email = services.send_email(
        to=org.bruno,
        template="feedback/email/escalation",
        context={"case": None, "url": "https://ew.example.org/x/"},
    )
    assert "Ricevi questa email come:" in email.body_text
    footer_at = email.body_html.find('data-footer="preferences"')
    assert 0 <= footer_at < email.body_html.lower().rfind("</body>")
    assert f'href="https://ew.example.org{PAGE}"' in email.body_html


def test_a_kind_turned_off_is_stored_as_skipped_and_never_reaches_the_server(
    org: Org,
    smtp: SmtpSink,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    services.set_email_preferences(person=org.alice, enabled={"week.tip": False})
    with (
        caplog.at_level(logging.INFO, logger="everyweek.notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        skipped = send_tip(org.alice)
        sent = send_tip(org.bruno)  # bruno did not turn it off
    assert skipped.status == EmailStatus.SKIPPED
    assert smtp.to("alice@example.com") == []
    assert len(smtp.to("bruno@example.com")) == 1
    assert "skipped: turned off" in caplog.text
    assert OutboundEmail.objects.filter(status=EmailStatus.SKIPPED).count() == 1
    sent.refresh_from_db()
    assert sent.status == EmailStatus.SENT
    # Nothing retries it: neither the periodic job nor an admin.
    assert services.retry_due_emails() == 0
    with pytest.raises(services.NotificationError):
        services.retry_email(actor=org.ada, email=skipped)


def test_turning_a_kind_back_on_sends_it_again(org: Org) -> None:
    services.set_email_preferences(person=org.alice, enabled={"week.tip": False})
    services.set_email_preferences(person=org.alice, enabled={"week.tip": True})
    assert send_tip(org.alice).status == EmailStatus.QUEUED


def test_mandatory_account_emails_cannot_be_turned_off_and_carry_no_footer(org: Org) -> None:
    with pytest.raises(services.NotificationError):
        services.set_email_preferences(
            person=org.alice, enabled={"people/email/password_reset": False}
        )
    email = services.send_email(
        to=org.alice,
        template="people/email/invitation",
        context={"person": org.alice, "url": "https://ew.example/set/abc/"},
    )
    assert email.status == EmailStatus.QUEUED
    assert PAGE not in email.body_text


def test_an_email_to_a_plain_address_has_no_staff_footer(org: Org) -> None:
    email = services.send_email(
        to="someone@example.net", template="week/email/tip", context={"tip": "Smile."}
    )
    assert email.status == EmailStatus.QUEUED
    assert PAGE not in email.body_text


# --- The settings page ---------------------------------------------------------------------


def test_the_page_needs_sign_in(db: Any) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert Client().post(PAGE, {}).status_code == 302
    assert not EmailPreference.objects.exists()


def test_the_page_is_reachable_from_the_users_menu(org: Org) -> None:
    page = org.client_for(org.alice).get(reverse("people:profile")).content.decode()
    assert f'href="{PAGE}" data-testid="email-settings-link"' in page


def test_a_person_saves_their_own_choices_with_an_audit_entry(org: Org) -> None:
    client = org.client_for(org.alice)
    page = client.get(PAGE)
    assert page.status_code == 200
    form = page.context["form"]
    assert set(form.fields) == set(kinds.BY_KEY)
    assert all(form.fields[key].initial for key in kinds.BY_KEY)  # everything on by default
    # Everything stays on except the tips; a forged extra field is ignored.
    data = {key: "on" for key in kinds.BY_KEY if key != "week.tip"}
    data["people.password_reset"] = ""
    response = client.post(PAGE, data)
    assert response.status_code == 302
    assert services.disabled_kinds(org.alice) == {"week.tip"}
    assert services.disabled_kinds(org.bruno) == set()  # only her own
    [event] = AuditEvent.objects.filter(action="email_preferences.update")
    assert event.actor_id == org.alice.pk
    assert event.target_id == str(org.alice.pk)
    assert event.changes == {"week.tip": [True, False]}
    again = client.get(PAGE)
    assert again.context["form"].fields["week.tip"].initial is False
    # Saving the same choices again changes nothing and records nothing.
    client.post(PAGE, data)
    assert AuditEvent.objects.filter(action="email_preferences.update").count() == 1


def test_saving_needs_the_csrf_token(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.alice)
    assert client.post(PAGE, {}).status_code == 403
    assert not EmailPreference.objects.exists()
    token = client.get(PAGE).cookies["csrftoken"].value
    assert client.post(PAGE, {"csrfmiddlewaretoken": token}).status_code == 302
    assert services.disabled_kinds(org.alice) == set(kinds.BY_KEY)


@pytest.mark.parametrize(
    ("language", "title", "label"),
    [
        ("it", "Impostazioni email", "Scheda di valutazione settimanale"),
        ("de", "E-Mail-Einstellungen", "Wöchentliche Scorecard"),
        ("th", "การตั้งค่าอีเมล", "สกอร์การ์ดประจำสัปดาห์"),
    ],
)
def test_the_page_speaks_the_persons_language(
    org: Org, language: str, title: str, label: str
) -> None:
    org.alice.locale = language
    org.alice.save(update_fields=["locale"])
    page = org.client_for(org.alice).get(PAGE).content.decode()
    assert title in page
    assert label in page
