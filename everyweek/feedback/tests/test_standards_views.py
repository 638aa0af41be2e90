from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.test import Client

from everyweek.conftest import Org
from everyweek.feedback.models import BusinessCalendar, Holiday, ServiceStandard, StandardResult
from everyweek.feedback.services import InteractionInput, record_interaction
from everyweek.people.models import Person

ROME = zoneinfo.ZoneInfo("Europe/Rome")
_ids = itertools.count(1)


def rome(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ROME)


def answered(agent: Person, created: dt.datetime, minutes: int, **fields: Any) -> None:
    record_interaction(
        InteractionInput(
            source="zendesk",
            external_id=f"Z{next(_ids)}",
            created_at=created,
            first_response_at=created + dt.timedelta(minutes=minutes),
            agent=agent,
            **fields,
        )
    )


@pytest.fixture
def hour(org: Org) -> ServiceStandard:
    standard = ServiceStandard.objects.create(
        name="Email within the hour",
        metric="first_response",
        threshold_minutes=60,
        channel="email",
        target_percent=80,
    )
    monday = rome(2026, 3, 9, 10, 0)
    answered(org.alice, monday, 10, subject="Alice fast")
    answered(org.alice, monday, 95, subject="Alice slow")
    answered(org.bruno, monday, 200, subject="Bruno slow")
    answered(org.sam, monday, 300, subject="Sam slow")
    return standard


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


WEEK = "?period=week&date=2026-03-11"


def test_agents_cannot_open_the_standards_pages(org: Org, hour: ServiceStandard) -> None:
    client = org.client_for(org.alice)
    assert client.get("/standards/").status_code == 403
    assert client.get(f"/standards/{hour.pk}/").status_code == 403
    assert Client().get("/standards/").status_code == 302


def test_lead_sees_attainment_of_their_team_only(org: Org, hour: ServiceStandard) -> None:
    html = page(org.client_for(org.lenny), f"/standards/{WEEK}")
    assert "Email within the hour" in html
    assert "Alpha" in html
    assert "Beta" not in html
    assert "50.0 %" in html
    assert "below target" in html


def test_manager_sees_every_team_of_the_department(org: Org, hour: ServiceStandard) -> None:
    html = page(org.client_for(org.mona), f"/standards/{WEEK}")
    assert "Alpha" in html and "Beta" in html
    assert "Hunters" not in html  # sales is another department


def test_drill_down_lists_only_the_breaches_the_viewer_may_see(
    org: Org, hour: ServiceStandard
) -> None:
    lead = page(org.client_for(org.lenny), f"/standards/{hour.pk}/{WEEK}")
    assert "Alice slow" in lead
    assert "Alice fast" not in lead  # met, so not a breach
    assert "Bruno slow" not in lead and "Sam slow" not in lead

    manager = page(org.client_for(org.mona), f"/standards/{hour.pk}/{WEEK}")
    assert "Alice slow" in manager and "Bruno slow" in manager
    assert "Sam slow" not in manager

    executive = page(org.client_for(org.erin), f"/standards/{hour.pk}/{WEEK}")
    assert executive.count('data-testid="breach"') == 3

    team_filter = page(org.client_for(org.mona), f"/standards/{hour.pk}/{WEEK}&team={org.beta.pk}")
    assert "Bruno slow" in team_filter and "Alice slow" not in team_filter


def test_a_team_outside_the_viewers_scope_is_not_found(org: Org, hour: ServiceStandard) -> None:
    client = org.client_for(org.lenny)
    assert client.get(f"/standards/{hour.pk}/{WEEK}&team={org.beta.pk}").status_code == 404
    assert client.get(f"/standards/{hour.pk}/{WEEK}&team=nonsense").status_code == 404
    assert client.get("/standards/999999/").status_code == 404


def test_breaches_export_as_csv_within_scope(org: Org, hour: ServiceStandard) -> None:
    response = org.client_for(org.mona).get(f"/standards/{hour.pk}/{WEEK}&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    lines = body.strip().splitlines()
    assert lines[0].startswith("interaction,source,external_id")
    assert len(lines) == 3
    assert "bruno@example.com" in body and "sam@example.com" not in body


def test_other_periods_and_the_trend(org: Org, hour: ServiceStandard) -> None:
    client = org.client_for(org.erin)
    month = page(client, f"/standards/{hour.pk}/?period=month&date=2026-03-20")
    assert "25.0 %" in month  # 1 met of 4 judged
    empty_day = page(client, "/standards/?period=day&date=2026-03-10")
    assert "No interactions in this period." in empty_day
    # A bad period or date falls back to this week, without an error.
    assert client.get("/standards/?period=fortnight&date=yesterday").status_code == 200


def test_list_page_runs_a_fixed_number_of_queries(
    org: Org, hour: ServiceStandard, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        ServiceStandard.objects.create(
            name=f"Resolved in {n + 1} days", metric="resolution", threshold_minutes=1440 * (n + 1)
        )
    client = org.client_for(org.erin)
    with django_assert_max_num_queries(8):
        client.get(f"/standards/{WEEK}")


def test_pages_are_translated(org: Org, hour: ServiceStandard) -> None:
    org.mona.locale = "it"
    org.mona.save()
    response = org.client_for(org.mona).get(f"/standards/{WEEK}")
    assert response["Content-Language"] == "it"


def test_admin_validates_opening_hours_and_recalculates_results(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    admin_client = org.client_for(org.ada)
    bad = admin_client.post(
        "/admin/feedback/businesscalendar/add/",
        {
            "name": "Rome",
            "time_zone": "Europe/Rome",
            "country": "it",
            "weekly_hours": '{"0": [["09:00", "13:00"], ["12:00", "18:00"]]}',
            "holidays-TOTAL_FORMS": "0",
            "holidays-INITIAL_FORMS": "0",
        },
    )
    assert bad.status_code == 200
    assert "overlap" in bad.content.decode()
    assert not BusinessCalendar.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        good = admin_client.post(
            "/admin/feedback/businesscalendar/add/",
            {
                "name": "Rome",
                "time_zone": "Europe/Rome",
                "country": "it",
                "weekly_hours": '{"0": [["09:00", "17:00"]], "1": [["09:00", "17:00"]]}',
                "holidays-TOTAL_FORMS": "1",
                "holidays-INITIAL_FORMS": "0",
                "holidays-0-date": "2026-03-10",
                "holidays-0-name": "Chiuso",
            },
        )
    assert good.status_code == 302
    calendar = BusinessCalendar.objects.get()
    assert calendar.country == "IT"
    assert Holiday.objects.filter(calendar=calendar, date=dt.date(2026, 3, 10)).exists()

    # A new standard evaluates recent interactions at once (in the background in production).
    with time_machine.travel(rome(2026, 3, 11, 12, 0), tick=False):
        answered(org.alice, rome(2026, 3, 9, 16, 30), 18 * 60)  # Mon 16:30 -> Tue 10:30
        assert not StandardResult.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            created = admin_client.post(
                "/admin/feedback/servicestandard/add/",
                {
                    "name": "Email in 2 business hours",
                    "metric": "first_response",
                    "threshold_minutes": "120",
                    "calendar": str(calendar.pk),
                    "pause_while_pending": "on",
                    "channel": "email",
                    "target_percent": "90",
                    "is_active": "on",
                },
            )
    assert created.status_code == 302
    result = StandardResult.objects.get()
    # Monday 16:30-17:00 counts; Tuesday is the calendar's holiday, so nothing more.
    assert result.elapsed_minutes == 30
    assert result.met is True


def test_admin_loads_public_holidays_for_the_calendar_country(org: Org) -> None:
    calendar = BusinessCalendar.objects.create(
        name="Milano", time_zone="Europe/Rome", country="IT", weekly_hours={}
    )
    response = org.client_for(org.ada).post(
        "/admin/feedback/businesscalendar/",
        {"action": "load_public_holidays", "_selected_action": [str(calendar.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert calendar.holidays.count() > 10


def test_healthz_answers_ok_without_signing_in() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
