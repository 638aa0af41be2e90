"""The outbox pages: admins only, filters, search, pagination, a safe preview and Retry."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.notifications.models import EmailStatus, OutboundEmail

OUTBOX = reverse("notifications:outbox")


def make_email(**fields: Any) -> OutboundEmail:
    values: dict[str, Any] = {
        "to_email": "someone@example.com",
        "language": "en",
        "template": "people/email/invitation",
        "subject": "You are invited to everyweek",
        "body_text": "Hello",
        "body_html": "<p>Hello</p>",
        "status": EmailStatus.SENT,
        **fields,
    }
    return OutboundEmail.objects.create(**values)


def listed(response: Any) -> list[str]:
    return [email.to_email for email in response.context["page"]]


@pytest.mark.parametrize("persona", ["alice", "lenny", "mona", "erin"])
def test_only_admins_open_the_outbox(org: Org, persona: str) -> None:
    email = make_email()
    client = org.client_for(getattr(org, persona))
    assert client.get(OUTBOX).status_code == 403
    assert client.get(reverse("notifications:outbox-detail", args=[email.pk])).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(db: Any) -> None:
    response = Client().get(OUTBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_admin_filters_by_status_and_kind_and_searches_address_and_subject(org: Org) -> None:
    make_email(to_email="sent@example.com")
    make_email(to_email="failed@example.com", status=EmailStatus.FAILED)
    make_email(to_email="reset@example.com", template="people/email/password_reset")
    make_email(to_email="other@example.com", subject="Quarterly thanks")
    client = org.client_for(org.ada)

    assert listed(client.get(OUTBOX, {"status": "failed"})) == ["failed@example.com"]
    assert listed(client.get(OUTBOX, {"template": "people/email/password_reset"})) == [
        "reset@example.com"
    ]
    assert listed(client.get(OUTBOX, {"q": "FAILED@"})) == ["failed@example.com"]
    assert listed(client.get(OUTBOX, {"q": "quarterly"})) == ["other@example.com"]
    assert len(listed(client.get(OUTBOX))) == 4


def test_pagination_keeps_the_filters(org: Org) -> None:
    for n in range(55):
        make_email(to_email=f"f{n}@example.com", status=EmailStatus.FAILED)
    make_email(to_email="ok@example.com")
    client = org.client_for(org.ada)

    first = client.get(OUTBOX, {"status": "failed"})
    assert len(listed(first)) == 50
    assert "status=failed&amp;page=2" in first.content.decode()
    second = client.get(OUTBOX, {"status": "failed", "page": "2"})
    assert len(listed(second)) == 5
    assert "ok@example.com" not in listed(second)


def test_the_outbox_list_costs_the_same_queries_for_few_or_many_emails(org: Org) -> None:
    client = org.client_for(org.ada)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(OUTBOX).status_code == 200
        return len(context)

    make_email(recipient=org.alice)
    few = queries()
    for n in range(30):
        make_email(to_email=f"p{n}@example.com", recipient=org.bruno, template=f"kind/{n}")
    assert queries() == few


def test_the_detail_shows_text_and_renders_html_only_inside_a_sandbox(org: Org) -> None:
    email = make_email(
        subject="<img src=x onerror=alert(1)>",
        body_text="Line one\n<script>alert('text')</script>",
        body_html='<p>Hi</p><script>alert("html")</script><img src=x onerror="alert(2)">',
        recipient=org.bruno,
    )
    response = org.client_for(org.ada).get(reverse("notifications:outbox-detail", args=[email.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(&#x27;text&#x27;)&lt;/script&gt;" in page
    assert 'sandbox=""' in page
    # The HTML body is escaped into srcdoc, behind a policy that blocks every script and fetch.
    assert 'srcdoc="&lt;meta http-equiv=&quot;Content-Security-Policy&quot;' in page
    assert "&lt;script&gt;alert(&quot;html&quot;)&lt;/script&gt;" in page
    assert "Bruno Agent" in page


def test_the_detail_lists_the_stored_extra_headers_escaped(org: Org) -> None:
    email = make_email(
        headers={
            "List-Unsubscribe": "<https://ew.example/s/t/unsubscribe/one-click/>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    )
    plain = make_email()
    client = org.client_for(org.ada)
    page = client.get(reverse("notifications:outbox-detail", args=[email.pk])).content.decode()
    assert "Extra headers" in page
    assert "List-Unsubscribe: &lt;https://ew.example/s/t/unsubscribe/one-click/&gt;" in page
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in page
    page = client.get(reverse("notifications:outbox-detail", args=[plain.pk])).content.decode()
    assert "Extra headers" not in page


def test_the_detail_has_no_retry_button_for_a_sent_email(org: Org) -> None:
    sent = make_email()
    failed = make_email(status=EmailStatus.FAILED, last_error="SMTPRecipientsRefused: boom")
    client = org.client_for(org.ada)
    page = client.get(reverse("notifications:outbox-detail", args=[sent.pk])).content.decode()
    assert reverse("notifications:outbox-retry", args=[sent.pk]) not in page
    page = client.get(reverse("notifications:outbox-detail", args=[failed.pk])).content.decode()
    assert reverse("notifications:outbox-retry", args=[failed.pk]) in page
    assert "SMTPRecipientsRefused: boom" in page


def test_an_admin_retries_a_failed_email_from_the_outbox(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    email = make_email(status=EmailStatus.FAILED, attempts=5, to_email="bruno@example.com")
    client = org.client_for(org.ada)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:outbox-retry", args=[email.pk]))

    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 6)
    assert [m.to for m in mail.outbox] == [["bruno@example.com"]]
    assert AuditEvent.objects.filter(action="email.retry", actor=org.ada).count() == 1


def test_retry_needs_a_post_with_a_csrf_token(org: Org) -> None:
    email = make_email(status=EmailStatus.FAILED)
    url = reverse("notifications:outbox-retry", args=[email.pk])
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.ada)

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED


def test_non_admins_cannot_retry(org: Org) -> None:
    email = make_email(status=EmailStatus.FAILED)
    response = org.client_for(org.mona).post(reverse("notifications:outbox-retry", args=[email.pk]))
    assert response.status_code == 403
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert not AuditEvent.objects.filter(action="email.retry").exists()


def test_retrying_a_sent_email_changes_nothing(org: Org) -> None:
    email = make_email()
    response = org.client_for(org.ada).post(
        reverse("notifications:outbox-retry", args=[email.pk]), follow=True
    )
    assert "This email was already sent." in response.content.decode()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 0)


def test_the_outbox_speaks_the_admins_language(org: Org) -> None:
    org.ada.locale = "it"
    org.ada.save()
    make_email(status=EmailStatus.FAILED)
    page = org.client_for(org.ada).get(OUTBOX).content.decode()
    assert "Posta in uscita" in page
    assert "Non riuscita" in page
