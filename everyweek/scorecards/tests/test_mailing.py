"""The weekly scorecard email: every leader, in their language, once per week."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from everyweek.conftest import Org
from everyweek.notifications.models import OutboundEmail
from everyweek.scorecards.tests.test_pages import data as data

WEEK = dt.date(2026, 3, 2)


def test_each_leader_gets_the_scorecard_they_lead_once_per_week(data: Org) -> None:
    data.lenny.locale = "de"
    data.lenny.save()
    call_command("send_scorecards", "--week", WEEK.isoformat())
    emails = {
        e.recipient_id: e for e in OutboundEmail.objects.filter(template__startswith="scorecards/")
    }
    assert set(emails) == {data.lenny.pk, data.mona.pk, data.erin.pk}
    assert "Alpha" in emails[data.lenny.pk].subject
    assert "Punktzahl" in emails[data.lenny.pk].body_text
    assert f"/scorecards/team/{data.alpha.pk}/" in emails[data.lenny.pk].body_text
    call_command("send_scorecards", "--week", (WEEK + dt.timedelta(days=3)).isoformat())
    assert OutboundEmail.objects.filter(template__startswith="scorecards/").count() == 3
