"""The notice to customers while the service team steps out: drafted, previewed, emailed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for
from everyweek.core.models import AuditEvent
from everyweek.customers.models import Customer
from everyweek.feedback.models import Interaction, Unsubscribe
from everyweek.notifications.models import EmailStatus
from everyweek.notifications.tests.smtp import SmtpSink, smtp_server
from everyweek.week import services
from everyweek.week.models import CustomerNotice, NoticeDelivery, NoticeStatus
from everyweek.week.services import WeekError
from everyweek.week.tests.conftest import at


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    with smtp_server(settings) as sink:
        yield sink


def customer(
    name: str, email: str, locale: str, *, days_ago: int | None = 10, zone: str = "UTC"
) -> Customer:
    c = Customer.objects.create(name=name, email=email, locale=locale, time_zone=zone)
    if days_ago is not None:
        Interaction.objects.create(
            external_id=f"t-{name}",
            customer=c,
            subject="Help",
            created_at=timezone.now() - dt.timedelta(days=days_ago),
        )
    return c


@pytest.fixture
def customers(db: Any) -> dict[str, Customer]:
    found = {
        "giulia": customer("Giulia", "giulia@example.it", "it", zone="Europe/Rome"),
        "somchai": customer("Somchai", "somchai@example.th", "th", zone="Asia/Bangkok"),
        "joao": customer("João", "joao@example.br", "pt-BR"),
        "hans": customer("Hans", "Hans@Example.de", "de"),  # unsubscribed below
        "nomail": customer("No Mail", "", "en"),
        "old": customer("Long Ago", "old@example.com", "en", days_ago=200),
        "never": customer("Never", "never@example.com", "en", days_ago=None),
    }
    Unsubscribe.objects.create(email="hans@example.de")
    return found


@pytest.fixture
def window(org: Any, week: Any) -> None:
    services.add_coverage_slot(
        actor=org.mona,
        celebration=week,
        queue="Phone",
        starts_at=at(8, 12),
        ends_at=at(8, 14),
        needed=1,
    )
    services.add_coverage_slot(
        actor=org.mona,
        celebration=week,
        queue="Email",
        starts_at=at(8, 13),
        ends_at=at(8, 16),
        needed=1,
    )


def test_the_notice_reaches_recent_customers_over_smtp_in_their_language_once(
    org: Any,
    week: Any,
    window: None,
    customers: dict[str, Customer],
    smtp: SmtpSink,
    django_capture_on_commit_callbacks: Any,
) -> None:
    notice = services.draft_notice(actor=org.mona, celebration=week)
    assert (notice.starts_at, notice.ends_at) == (at(8, 12), at(8, 16))
    with django_capture_on_commit_callbacks(execute=True):
        services.send_notice(actor=org.mona, notice=notice)

    assert sorted(r for m in smtp.messages for r in m.recipients) == [
        "giulia@example.it",
        "joao@example.br",
        "somchai@example.th",
    ]
    [giulia] = smtp.to("giulia@example.it")
    assert giulia.message["Content-Language"] == "it"
    assert giulia.subject.strip().startswith("Il servizio potrebbe essere un po' più lento")
    # In her zone: 12:00-16:00 UTC is 14:00-18:00 in Rome.
    assert "dalle 14:00 alle 18:00" in giulia.text_body()
    assert "Giulia," in giulia.text_body() and "Il servizio" in giulia.html_body()
    [somchai] = smtp.to("somchai@example.th")
    assert "19:00" in somchai.text_body() and "บริการ" in somchai.subject
    [joao] = smtp.to("joao@example.br")  # no Portuguese text: English
    assert joao.subject.strip().startswith("Service may be a little slower")

    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT and notice.sent_by == org.mona
    assert set(notice.deliveries.values_list("email__status", flat=True)) == {EmailStatus.SENT}

    # Sending again (a second click, a duplicate task) emails nobody twice …
    with django_capture_on_commit_callbacks(execute=True):
        services.send_notice(actor=org.mona, notice=notice)
    assert services.deliver_notice(notice.pk) == 0
    assert len(smtp.messages) == 3
    # … and reaches only a customer contacted since.
    customer("Marie", "marie@example.fr", "fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_notice(actor=org.mona, notice=notice)
    assert len(smtp.messages) == 4
    [marie] = smtp.to("marie@example.fr")
    assert "Le service pourrait être un peu plus lent" in marie.subject
    assert NoticeDelivery.objects.filter(notice=notice).count() == 4
    assert AuditEvent.objects.filter(action="week.notice_sent").count() == 3


def test_only_the_organisers_draft_preview_and_send(
    org: Any, week: Any, window: None, customers: dict[str, Customer]
) -> None:
    with pytest.raises(WeekError):
        services.draft_notice(actor=org.alice, celebration=week)
    notice = services.draft_notice(actor=org.mona, celebration=week)
    with pytest.raises(WeekError):
        services.send_notice(actor=org.lenny, notice=notice)
    alice = org.client_for(org.alice)
    assert alice.get("/week/2026/coverage/notice/").status_code == 404
    assert alice.get(f"/week/notices/{notice.pk}/").status_code == 404
    assert alice.post(f"/week/notices/{notice.pk}/send/").status_code == 404
    api = api_for(org.alice, TokenScope.WRITE)
    assert api.get("/api/week/celebrations/2026/notices").status_code == 404
    assert api.get(f"/api/week/notices/{notice.pk}").status_code == 404
    assert api.post(f"/api/week/notices/{notice.pk}/send", {}).status_code == 404
    assert api.post("/api/week/celebrations/2026/notices", {}).status_code == 404
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and mail.outbox == []
    assert CustomerNotice.objects.count() == 1


def test_organisers_preview_each_language_copy_the_banner_and_send_from_the_page(
    org: Any,
    week: Any,
    window: None,
    customers: dict[str, Customer],
    django_capture_on_commit_callbacks: Any,
) -> None:
    mona = org.client_for(org.mona)
    page = mona.get("/week/2026/coverage/notice/")
    assert page.status_code == 200 and "un poco más lento" in page.text
    response = mona.post(
        "/week/2026/coverage/notice/",
        {
            "starts_at": "2026-10-08T12:00",
            "ends_at": "2026-10-08T16:00",
            "contacted_within_days": "30",
        },
    )
    notice = CustomerNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/week/notices/{notice.pk}/"
    detail = mona.get(f"/week/notices/{notice.pk}/").text
    assert "3 customers contacted in the last 30 days will get the email." in detail
    assert 'data-language="it"' in detail and "dalle 12:00 alle 16:00" in detail
    # The banner is copyable HTML, shown escaped (not rendered) in its field.
    assert "&lt;div class=&quot;ew-service-notice&quot; lang=&quot;th&quot;" in detail
    assert '<div class="ew-service-notice"' not in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = mona.post(f"/week/notices/{notice.pk}/send/")
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [
        "giulia@example.it",
        "joao@example.br",
        "somchai@example.th",
    ]
    again = mona.get(f"/week/notices/{notice.pk}/").text
    assert "3 were emailed so far." in again


def test_the_notice_over_the_api(
    org: Any,
    week: Any,
    window: None,
    customers: dict[str, Customer],
    django_capture_on_commit_callbacks: Any,
) -> None:
    api = api_for(org.mona, TokenScope.WRITE)
    created = api.post("/api/week/celebrations/2026/notices", {"contacted_within_days": 60})
    assert created.status_code == 200, created.content
    body = created.json()
    assert (body["status"], body["recipients"], body["delivered"]) == ("draft", 3, 0)
    assert body["by_language"] == {"it": 1, "th": 1, "en": 1}
    assert body["starts_at"].startswith("2026-10-08T12:00")
    rome = api.get(f"/api/week/notices/{body['id']}?zone=Europe/Rome").json()
    italian = next(p for p in rome["previews"] if p["language"] == "it")
    assert "dalle 14:00 alle 18:00" in italian["text"]
    assert api.get(f"/api/week/notices/{body['id']}?zone=Mars/Base").status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/api/week/notices/{body['id']}/send", {})
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/week/notices/{body['id']}/send", {})
    assert len(mail.outbox) == 3
    listed = api.get("/api/week/celebrations/2026/notices").json()
    assert [(n["id"], n["delivered"]) for n in listed] == [(body["id"], 3)]
    assert api_for(org.mona).post(f"/api/week/notices/{body['id']}/send", {}).status_code == 403


def test_a_notice_needs_a_window(org: Any, week: Any) -> None:
    with pytest.raises(WeekError):
        services.draft_notice(actor=org.mona, celebration=week)
    with pytest.raises(WeekError):
        services.draft_notice(
            actor=org.mona, celebration=week, starts_at=at(8, 16), ends_at=at(8, 12)
        )
