from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from everyweek.core.models import AuditEvent
from everyweek.notifications.models import OutboundEmail
from everyweek.recognition import selectors, services
from everyweek.recognition.models import (
    Commendation,
    DigestRun,
    Notification,
    RecognitionSettings,
)

QUOTE = "Alice solved my problem in five minutes, wonderful!"


def _response(org: Any) -> Any:
    from everyweek.feedback.models import SurveyResponse

    return SurveyResponse.objects.create(
        source="test",
        external_id="r1",
        agent=org.alice,
        comment=QUOTE,
        submitted_at=timezone.now(),
        nps=10,
    )


def test_praise_alerts_the_leader_and_the_leaders_leader(org: Any) -> None:
    services.commend_from_praise(agent=org.alice, quote=QUOTE, language="en")
    assert Notification.objects.filter(recipient=org.lenny, kind="praise").count() == 1
    assert Notification.objects.filter(recipient=org.mona, kind="praise").count() == 1
    assert not Notification.objects.filter(recipient=org.alice).exists()


def test_skip_leader_is_not_alerted_when_the_setting_is_off(org: Any) -> None:
    config = RecognitionSettings.load()
    config.alert_skip_leader = False
    config.save()
    services.commend_from_praise(agent=org.alice, quote=QUOTE, language="en")
    assert Notification.objects.filter(recipient=org.lenny).count() == 1
    assert not Notification.objects.filter(recipient=org.mona).exists()


def test_commending_the_same_response_twice_is_idempotent(org: Any) -> None:
    response = _response(org)
    first = services.commend_from_praise(
        agent=org.alice, quote=QUOTE, language="en", response=response
    )
    again = services.commend_from_praise(
        agent=org.alice, quote=QUOTE, language="en", response=response
    )
    assert first.pk == again.pk
    assert Commendation.objects.count() == 1
    assert Notification.objects.filter(recipient=org.lenny).count() == 1


def test_leader_thanks_with_the_customers_words_and_a_card(org: Any) -> None:
    commendation = services.commend_from_praise(agent=org.alice, quote=QUOTE, language="en")
    mail.outbox.clear()
    services.thank_for_praise(actor=org.lenny, commendation=commendation, note="Proud of you!")
    commendation.refresh_from_db()
    assert commendation.thanked_by == org.lenny and commendation.thanked_at is not None
    email = OutboundEmail.objects.get(recipient=org.alice, template="recognition/email/thanks")
    assert QUOTE in email.body_text and "Proud of you!" in email.body_text
    assert email.attachments[0]["mimetype"] == "image/png"
    assert Notification.objects.filter(recipient=org.alice, kind="thanks").exists()
    assert AuditEvent.objects.filter(action="commendation.thank", actor=org.lenny).exists()


def test_thanks_reach_the_agent_in_their_language(org: Any) -> None:
    commendation = services.commend_from_praise(agent=org.bruno, quote="Bravissimo!", language="it")
    services.thank_for_praise(actor=org.mona, commendation=commendation, note="Grazie Bruno")
    email = OutboundEmail.objects.get(recipient=org.bruno)
    assert email.language == "it"
    assert "ringrazia" in email.subject


def test_a_lead_cannot_thank_praise_outside_their_team(org: Any) -> None:
    commendation = services.commend_from_praise(agent=org.bruno, quote="Great", language="en")
    with pytest.raises(PermissionDenied):
        services.thank_for_praise(actor=org.lenny, commendation=commendation, note="Hi")


def test_an_agent_cannot_thank_praise(org: Any) -> None:
    commendation = services.commend_from_praise(agent=org.bruno, quote="Great", language="en")
    with pytest.raises(PermissionDenied):
        services.thank_for_praise(actor=org.alice, commendation=commendation, note="Hi")


def test_praise_cannot_be_thanked_twice(org: Any) -> None:
    commendation = services.commend_from_praise(agent=org.alice, quote=QUOTE, language="en")
    services.thank_for_praise(actor=org.lenny, commendation=commendation, note="One")
    with pytest.raises(services.RecognitionError):
        services.thank_for_praise(actor=org.mona, commendation=commendation, note="Two")


def test_median_time_to_thanks_is_shown_to_the_leaders_leader(org: Any) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    for hours in (2, 4, 30):
        c = services.commend_from_praise(
            agent=org.alice, quote=f"Great {hours}", language="en", detected_at=start
        )
        with time_machine.travel(start + dt.timedelta(hours=hours), tick=False):
            services.thank_for_praise(actor=org.lenny, commendation=c, note="Thanks")
    assert selectors.median_hours_to_thanks(org.lenny) == 4.0
    rows = selectors.thanks_times_of_reports(org.mona)
    assert [(r["leader"], r["median_hours"]) for r in rows] == [(org.lenny, 4.0)]
    page = org.client_for(org.mona).get("/recognition/praise/")
    assert "Lenny Lead" in page.content.decode()


def test_daily_digest_is_sent_once_a_day_in_the_leaders_language(org: Any) -> None:
    org.lenny.locale = "de"
    org.lenny.save()
    services.commend_from_praise(agent=org.alice, quote=QUOTE, language="en")
    with time_machine.travel(dt.datetime(2026, 5, 4, 7, 0, tzinfo=dt.UTC)):
        call_command("send_praise_digests", verbosity=0)
        call_command("send_praise_digests", verbosity=0)
    digests = OutboundEmail.objects.filter(template="recognition/email/digest")
    assert sorted(e.to_email for e in digests) == ["lenny@example.com", "mona@example.com"]
    lenny_mail = digests.get(recipient=org.lenny)
    assert lenny_mail.language == "de" and QUOTE in lenny_mail.body_text
    assert "wartet" in lenny_mail.subject
    with time_machine.travel(dt.datetime(2026, 5, 5, 7, 0, tzinfo=dt.UTC)):
        assert services.send_praise_digests() == 2
    assert DigestRun.objects.count() == 4


def test_no_digest_when_everything_is_thanked(org: Any) -> None:
    c = services.commend_from_praise(agent=org.alice, quote=QUOTE, language="en")
    services.thank_for_praise(actor=org.lenny, commendation=c, note="Thanks")
    assert services.send_praise_digests() == 0


def test_thank_page_is_prefilled_with_the_customers_words_and_sends(org: Any) -> None:
    c = services.commend_from_praise(agent=org.alice, quote="<b>Top</b> service", language="en")
    client = org.client_for(org.lenny)
    page = client.get(f"/recognition/praise/{c.pk}/thank/")
    body = page.content.decode()
    assert "&lt;b&gt;Top&lt;/b&gt; service" in body and "<b>Top</b>" not in body
    response = client.post(
        f"/recognition/praise/{c.pk}/thank/", {"note": "Well done", "on_wall": "on"}
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.thanked_at is not None and c.on_wall
    wall = org.client_for(org.sam).get("/recognition/wall/").content.decode()
    assert "&lt;b&gt;Top&lt;/b&gt; service" in wall


def test_other_teams_lead_gets_404_on_the_thank_page(org: Any) -> None:
    c = services.commend_from_praise(agent=org.bruno, quote="Great", language="en")
    assert org.client_for(org.lenny).get(f"/recognition/praise/{c.pk}/thank/").status_code == 404
    assert org.client_for(org.alice).get(f"/recognition/praise/{c.pk}/").status_code == 404
    assert org.client_for(org.bruno).get(f"/recognition/praise/{c.pk}/").status_code == 200


def test_agent_downloads_the_card_as_png(org: Any) -> None:
    c = services.commend_from_praise(agent=org.alice, quote="ขอบคุณมากค่ะ", language="th")
    response = org.client_for(org.alice).get(f"/recognition/praise/{c.pk}/card.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_home_shows_praise_waiting_for_the_leader(org: Any) -> None:
    services.commend_from_praise(agent=org.alice, quote="Superb help", language="en")
    body = org.client_for(org.lenny).get("/").content.decode()
    assert 'data-testid="praise-panel"' in body and "Superb help" in body
    assert 'data-testid="praise-panel"' not in org.client_for(org.alice).get("/").content.decode()
