from __future__ import annotations

import datetime as dt
import importlib
import random
from typing import Any

from django.core.management import call_command

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, assert_error
from everyweek.notifications.models import OutboundEmail
from everyweek.week import demo, services, tasks
from everyweek.week.models import Celebration, ContestKind, HuntFind, SignupStatus
from everyweek.week.tests.conftest import at


def test_api_programme_signup_waitlist_and_cancel(org: Any, week: Any) -> None:
    services.add_event(
        actor=org.mona, celebration=week, title="Pizza", starts_at=at(6, 12), ends_at=at(6, 13)
    )
    sheet = services.add_sheet(actor=org.mona, celebration=week, title="Potluck", policy="Bring")
    slot = services.add_slot(
        actor=org.mona, sheet=sheet, starts_at=at(7, 0), ends_at=at(7, 4), capacity=1
    )
    alice = api_for(org.alice, TokenScope.WRITE)
    sam = api_for(org.sam, TokenScope.WRITE)

    events = alice.get("/api/week/celebrations/2026/events").json()
    assert events["count"] == 1 and events["items"][0]["title"] == "Pizza"
    first = alice.post(f"/api/week/slots/{slot.pk}/signups", {"contribution": "Cake"}).json()
    second = sam.post(f"/api/week/slots/{slot.pk}/signups", {}).json()
    assert (first["status"], second["status"]) == ("confirmed", "waitlisted")
    sheets = alice.get("/api/week/celebrations/2026/sheets").json()
    assert sheets[0]["slots"][0]["confirmed"] == 1 and sheets[0]["slots"][0]["waiting"] == 1
    assert_error(sam.delete(f"/api/week/signups/{first['id']}"), 404, "not_found")
    promoted = alice.delete(f"/api/week/signups/{first['id']}").json()
    assert promoted["promoted_signup_id"] == second["id"]
    assert slot.signups.get().status == SignupStatus.CONFIRMED


def test_api_read_token_cannot_sign_up_and_agents_cannot_manage(org: Any, week: Any) -> None:
    sheet = services.add_sheet(actor=org.mona, celebration=week, title="Potluck")
    slot = services.add_slot(
        actor=org.mona, sheet=sheet, starts_at=at(7, 0), ends_at=at(7, 4), capacity=1
    )
    assert_error(
        api_for(org.alice).post(f"/api/week/slots/{slot.pk}/signups", {}),
        403,
        "insufficient_scope",
    )
    response = api_for(org.alice, TokenScope.WRITE).post(
        "/api/week/celebrations/2026/events",
        {"title": "Mine", "starts_at": "2026-10-05T08:00:00Z", "ends_at": "2026-10-05T09:00:00Z"},
    )
    assert response.status_code == 422
    assert week.events.count() == 0
    budget = api_for(org.alice).get("/api/week/celebrations/2026").json()["budget"]
    assert budget is None


def test_api_contest_judging_results_and_backlog(org: Any, week: Any) -> None:
    contest = services.add_contest(
        actor=org.mona, celebration=week, title="Essay", kind=ContestKind.ESSAY, judges=[org.erin]
    )
    alice = api_for(org.alice, TokenScope.WRITE)
    entry = alice.post(
        f"/api/week/contests/{contest.pk}/entries", {"title": "Listen", "text": "Call back"}
    ).json()
    assert_error(
        api_for(org.sam, TokenScope.WRITE).post(
            f"/api/week/entries/{entry['id']}/score", {"points": 5}
        ),
        404,
        "not_found",
    )
    erin = api_for(org.erin, TokenScope.WRITE)
    assert erin.post(f"/api/week/entries/{entry['id']}/score", {"points": 9}).status_code == 200
    assert_error(alice.get(f"/api/week/contests/{contest.pk}/results"), 404, "not_found")
    results = api_for(org.mona).get(f"/api/week/contests/{contest.pk}/results").json()
    assert results[0]["average"] == 9
    item = (
        api_for(org.mona, TokenScope.WRITE)
        .post(
            f"/api/week/entries/{entry['id']}/backlog",
            {"title": "Call-back promise", "owner_id": org.lenny.pk},
        )
        .json()
    )
    assert item["year"] == 2026 and item["owner"]["id"] == org.lenny.pk
    moved = (
        api_for(org.lenny, TokenScope.WRITE)
        .patch(f"/api/week/backlog/{item['id']}", {"status": "done"})
        .json()
    )
    assert moved["status"] == "done"


def test_api_hunt_claim_once_and_ideas(org: Any, week: Any) -> None:
    item = services.hide_item(actor=org.mona, celebration=week, label="Moustache", tickets=2)
    alice = api_for(org.alice, TokenScope.WRITE)
    first = alice.post(f"/api/week/hunt/{item.code}/claim").json()
    again = alice.post(f"/api/week/hunt/{item.code}/claim").json()
    assert first["new"] and not again["new"] and again["total_tickets"] == 2
    ideas = alice.get("/api/week/ideas", language="th").json()
    assert any(i["key"] == "potluck" and "24" in i["title"] for i in ideas)
    added = (
        api_for(org.mona, TokenScope.WRITE)
        .post(
            "/api/week/celebrations/2026/ideas",
            {"key": "essay", "day": "2026-10-05", "language": "de"},
        )
        .json()
    )
    assert added["title"].startswith("Aufsatz")


def test_api_copy_programme_is_idempotent(org: Any, week: Any) -> None:
    services.add_event(
        actor=org.mona, celebration=week, title="Pizza", starts_at=at(6, 12), ends_at=at(6, 13)
    )
    ada = api_for(org.ada, TokenScope.WRITE)
    first = ada.post("/api/week/celebrations/2027/copy", {"from_year": 2026}).json()
    ada.post("/api/week/celebrations/2027/copy", {"from_year": 2026})
    assert first["starts_on"] == "2027-10-04"
    assert Celebration.objects.get(year=2027).events.count() == 1


def test_hunt_tickets_go_into_recognitions_open_raffles(org: Any, week: Any) -> None:
    item = services.hide_item(actor=org.mona, celebration=week, label="Moustache", tickets=2)
    try:
        programmes = importlib.import_module("everyweek.recognition.programmes")
    except ImportError:
        programmes = None
    if programmes is None:  # recognition has no raffles in this installation
        find, _new = services.claim_find(person=org.alice, code=item.code)
        assert not find.credited
        return
    # No raffle open yet: the find waits, and is credited once one opens.
    find, _new = services.claim_find(person=org.alice, code=item.code)
    assert not find.credited
    raffle = programmes.create_raffle(actor=org.mona, name="Week raffle", prize="Lunch")
    assert tasks.run_daily(at(5, 8))["raffle_credits"] == 1
    assert raffle.tickets.filter(person=org.alice).count() == 2
    assert tasks.run_daily(at(5, 9))["raffle_credits"] == 0
    services.claim_find(person=org.bruno, code=item.code)
    services.claim_find(person=org.bruno, code=item.code)
    assert raffle.tickets.filter(person=org.bruno).count() == 2
    assert HuntFind.objects.filter(credited=True).count() == 2


def test_daily_command_sends_tips_and_reminders_idempotently(org: Any, week: Any) -> None:
    import time_machine

    services.add_tip(
        actor=org.mona, celebration=week, day=dt.date(2026, 10, 6), title="Smile", text="Yes"
    )
    event = services.add_event(
        actor=org.mona,
        celebration=week,
        title="Pizza",
        starts_at=at(6, 12),
        ends_at=at(6, 13),
        host=org.lenny,
    )
    assert event.host == org.lenny
    with time_machine.travel(at(6, 7)):
        call_command("week_daily")
        call_command("week_daily")
    assert OutboundEmail.objects.filter(template="week/email/tip").count() == 7
    assert OutboundEmail.objects.filter(template="week/email/reminder").count() == 1


def test_demo_generates_this_and_last_years_programme(org: Any) -> None:
    import time_machine

    from everyweek.customers.models import Customer
    from everyweek.feedback.models import Interaction

    recent = Customer.objects.create(name="Recent", email="recent@mail.example", locale="de")
    Interaction.objects.create(
        external_id="demo-1", customer=recent, created_at=dt.datetime(2026, 5, 30, tzinfo=dt.UTC)
    )
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)):
        summary = demo.generate_week(random.Random(7))
    this_year = Celebration.objects.get(year=2026)
    last_year = Celebration.objects.get(year=2025)
    assert summary["celebrations"] == 2
    assert this_year.copied_from == last_year
    assert this_year.events.count() >= 8 and last_year.events.count() >= 8
    assert last_year.contests.get(kind=ContestKind.ESSAY).entries.count() >= 2
    assert last_year.backlog.exists() and last_year.retro.exists()
    assert this_year.sheets.filter(slots__signups__isnull=False).exists()
    assert this_year.thanks.exists() and this_year.sponsors.exists()
    assert this_year.wall_key
    assert this_year.thanks.filter(status="pending", source="customer").count() == 1
    assert this_year.thanks.filter(status="approved", author__isnull=True).count() == 3
    [notice] = last_year.notices.all()
    assert notice.status == "sent" and notice.sent_by is not None
    [delivery] = notice.deliveries.all()
    assert (delivery.customer, delivery.language) == (recent, "de")
    assert delivery.email is not None and delivery.email.to_email == "recent@mail.example"
    # Running it again changes nothing.
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)):
        demo.generate_week(random.Random(7))
    assert Celebration.objects.count() == 2
