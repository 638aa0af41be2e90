"""Internal requests: automatic and human acknowledgement, breaches, pauses, timeline, rating."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core import mail

from everyweek.conftest import Org
from everyweek.servicedesk import services
from everyweek.servicedesk.models import InternalRequest, RequestStatus, UpdateKind
from everyweek.servicedesk.tests.helpers import it_desk

ROME = zoneinfo.ZoneInfo("Europe/Rome")
# Friday 20 March 2026, 16:00 in Rome: one business hour left in the week.
FRIDAY_4PM = dt.datetime(2026, 3, 20, 16, 0, tzinfo=ROME)


def _submit(org: Org, d: Any, now: dt.datetime = FRIDAY_4PM, **fields: Any) -> InternalRequest:
    return services.submit_request(
        actor=fields.pop("actor", org.bruno),
        request_type=fields.pop("request_type", d.access),
        title=fields.pop("title", "Access to the refunds tool"),
        description="For the Italian queue.",
        now=now,
    )


def test_a_request_is_acknowledged_automatically_in_the_requesters_language(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    d = it_desk(org)
    with django_capture_on_commit_callbacks(execute=True):
        request = _submit(org, d)
    [email] = mail.outbox
    assert email.to == ["bruno@example.com"]
    assert email.extra_headers["Content-Language"] == "it"
    assert "Ricevuta" in email.subject
    kinds = list(request.updates.values_list("kind", flat=True))
    assert kinds == [UpdateKind.CREATED, UpdateKind.AUTO_ACK]


def test_deadlines_count_business_hours_only(org: Org) -> None:
    d = it_desk(org)
    request = _submit(org, d)
    # 4 business hours to acknowledge: 1 on Friday, 3 on Monday morning.
    assert request.acknowledge_due_at == dt.datetime(2026, 3, 23, 12, 0, tzinfo=ROME)
    # 8 business hours to resolve: 1 on Friday, 7 on Monday.
    assert request.due_at == dt.datetime(2026, 3, 23, 16, 0, tzinfo=ROME)


def test_without_a_calendar_the_clock_runs_around_the_clock(org: Org) -> None:
    d = it_desk(org, calendar=False)
    request = _submit(org, d)
    assert request.acknowledge_due_at == FRIDAY_4PM + dt.timedelta(hours=4)


def test_an_unacknowledged_request_is_flagged_once_and_its_leaders_told(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    d = it_desk(org)
    request = _submit(org, d)
    assert services.flag_acknowledgement_breaches(now=FRIDAY_4PM + dt.timedelta(hours=2)) == 0
    monday_noon_past = dt.datetime(2026, 3, 23, 12, 1, tzinfo=ROME)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_acknowledgement_breaches(now=monday_noon_past) == 1
    assert services.flag_acknowledgement_breaches(now=monday_noon_past) == 0
    request.refresh_from_db()
    assert request.acknowledgement_breached
    assert [m.to for m in mail.outbox] == [["iris@example.com"]]
    assert request.updates.filter(kind=UpdateKind.BREACH).count() == 1


def test_acknowledging_late_is_flagged_and_in_time_is_not(org: Org) -> None:
    d = it_desk(org)
    late = _submit(org, d, title="late")
    on_time = _submit(org, d, title="on time")
    services.acknowledge_request(
        actor=d.ivan, request=on_time, now=dt.datetime(2026, 3, 23, 9, 30, tzinfo=ROME)
    )
    services.acknowledge_request(
        actor=d.ivan, request=late, now=dt.datetime(2026, 3, 23, 12, 30, tzinfo=ROME)
    )
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert (on_time.acknowledgement_breached, late.acknowledgement_breached) == (False, True)
    assert late.assignee == d.ivan
    assert late.status == RequestStatus.ACKNOWLEDGED


def test_waiting_on_the_requester_pauses_the_clock(org: Org) -> None:
    d = it_desk(org)
    request = _submit(org, d)
    monday_9 = dt.datetime(2026, 3, 23, 9, 0, tzinfo=ROME)
    services.post_update(
        actor=d.ivan,
        request=request,
        message="Which cost centre?",
        waiting_on_requester=True,
        now=monday_9,
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.WAITING
    assert request.acknowledged_at == monday_9  # a question from a person acknowledges too
    # Bruno answers two business hours later: the due date moves by two hours.
    services.reply_as_requester(
        actor=org.bruno,
        request=request,
        message="CC 4411",
        now=dt.datetime(2026, 3, 23, 11, 0, tzinfo=ROME),
    )
    request.refresh_from_db()
    assert request.paused_minutes == 120
    # 8 business hours plus the 2 paused: 1 on Friday, 8 on Monday, 1 on Tuesday.
    assert request.due_at == dt.datetime(2026, 3, 24, 10, 0, tzinfo=ROME)
    # Resolved Tuesday 10:00: 10 business hours since arrival, 2 paused, 8 counted: on time.
    services.resolve_request(
        actor=d.ivan,
        request=request,
        message="Done",
        now=dt.datetime(2026, 3, 24, 10, 0, tzinfo=ROME),
    )
    request.refresh_from_db()
    assert request.resolution_minutes == 480
    assert request.on_time is True


def test_the_requester_sees_the_timeline_and_rates_on_close(org: Org) -> None:
    d = it_desk(org)
    request = _submit(org, d)
    services.post_update(actor=d.ivan, request=request, message="Ordered the licence")
    client = org.client_for(org.bruno)
    page = client.get(f"/service-desk/requests/{request.pk}/").content.decode()
    assert "Ordered the licence" in page
    assert (
        client.post(f"/service-desk/requests/{request.pk}/rate/", {"rating": 5}).status_code == 302
    )
    request.refresh_from_db()
    assert request.rating is None  # not before it is resolved
    services.resolve_request(actor=d.ivan, request=request, message="Granted")
    response = client.post(
        f"/service-desk/requests/{request.pk}/rate/", {"rating": 4, "comment": "Quick, thanks"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.rating, request.rating_comment) == (4, "Quick, thanks")
    with pytest.raises(services.ServiceDeskError):
        services.rate_request(actor=d.ivan, request=request, rating=5)


def test_only_the_desk_acknowledges_and_resolves(org: Org) -> None:
    d = it_desk(org)
    request = _submit(org, d)
    with pytest.raises(services.ServiceDeskError):
        services.acknowledge_request(actor=org.bruno, request=request)
    with pytest.raises(services.ServiceDeskError):
        services.resolve_request(actor=org.alice, request=request, message="x")


def test_reopening_clears_the_outcome(org: Org) -> None:
    d = it_desk(org)
    request = _submit(org, d)
    services.resolve_request(actor=d.ivan, request=request, message="Done")
    services.rate_request(actor=org.bruno, request=request, rating=2)
    services.reopen_request(actor=org.bruno, request=request, message="Still no access")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    assert request.rating is None and request.on_time is None


def test_asking_from_the_page(org: Org) -> None:
    d = it_desk(org)
    client = org.client_for(org.alice)
    form = client.get(f"/service-desk/ask/{d.access.pk}/")
    assert form.status_code == 200
    assert "8 hours" in form.content.decode()
    response = client.post(
        f"/service-desk/ask/{d.access.pk}/", {"title": "Refund tool", "description": ""}
    )
    assert response.status_code == 302
    assert InternalRequest.objects.get().requester == org.alice
