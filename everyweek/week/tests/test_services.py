from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from everyweek.customers.models import Customer
from everyweek.feedback.models import Interaction
from everyweek.notifications.models import OutboundEmail
from everyweek.week import dates, selectors, services
from everyweek.week.models import (
    BacklogStatus,
    Celebration,
    ContestKind,
    DateRule,
    EntrantKind,
    Event,
    HuntFind,
    SignupStatus,
    SurpriseKind,
)
from everyweek.week.services import WeekError
from everyweek.week.tests.conftest import at, png_bytes


@pytest.mark.parametrize(
    ("year", "start", "end"),
    [
        (2023, dt.date(2023, 10, 2), dt.date(2023, 10, 6)),
        (2024, dt.date(2024, 10, 7), dt.date(2024, 10, 11)),
        (2026, dt.date(2026, 10, 5), dt.date(2026, 10, 9)),
    ],
)
def test_default_week_is_first_full_week_of_october_monday_to_friday(
    year: int, start: dt.date, end: dt.date
) -> None:
    assert dates.compute_dates(year) == (start, end)


def test_sunday_to_thursday_week_for_other_calendars() -> None:
    start, end = dates.compute_dates(2026, week_starts_on=6, days=5)
    assert start == dt.date(2026, 10, 4) and start.weekday() == 6
    assert end == dt.date(2026, 10, 8)


def test_fixed_rule_uses_given_dates(org: Any) -> None:
    c = services.plan_celebration(
        actor=org.ada,
        year=2027,
        rule=DateRule.FIXED,
        fixed_start=dt.date(2027, 11, 15),
        fixed_end=dt.date(2027, 11, 19),
    )
    assert (c.starts_on, c.ends_on) == (dt.date(2027, 11, 15), dt.date(2027, 11, 19))
    with pytest.raises(WeekError):
        services.plan_celebration(actor=org.ada, year=2027, rule=DateRule.FIXED)


def test_only_admin_starts_a_year_and_only_organisers_change_it(org: Any, week: Any) -> None:
    with pytest.raises(WeekError):
        services.plan_celebration(actor=org.mona, year=2030)
    services.plan_celebration(actor=org.mona, year=2026, theme="Heroes")
    with pytest.raises(WeekError):
        services.plan_celebration(actor=org.alice, year=2026, theme="Mine")
    week.refresh_from_db()
    assert week.theme == "Heroes"


def test_copy_last_years_programme_moves_dates_and_is_idempotent(org: Any, week: Any) -> None:
    services.add_event(
        actor=org.mona, celebration=week, title="Pizza", starts_at=at(6, 12), ends_at=at(6, 13)
    )
    sheet = services.add_sheet(actor=org.mona, celebration=week, title="Potluck", policy="Bring")
    slot = services.add_slot(
        actor=org.mona, sheet=sheet, starts_at=at(7, 0), ends_at=at(7, 4), capacity=2
    )
    services.sign_up(person=org.alice, slot=slot)
    contest = services.add_contest(
        actor=org.mona, celebration=week, title="Essay", kind=ContestKind.ESSAY, judges=[org.erin]
    )
    services.submit_entry(person=org.alice, contest=contest, title="Mine", text="...")
    services.add_tip(
        actor=org.mona, celebration=week, day=dt.date(2026, 10, 5), title="T", text="x"
    )

    first = services.copy_programme(actor=org.ada, source=week, year=2027)
    again = services.copy_programme(actor=org.ada, source=week, year=2027)

    assert first.pk == again.pk
    assert first.starts_on == dt.date(2027, 10, 4)
    pizza = first.events.get()
    # Same weekday (Tuesday) and wall-clock time, a year on.
    assert pizza.starts_at == dt.datetime(2027, 10, 5, 12, tzinfo=dt.UTC)
    assert first.sheets.get().slots.get().signups.count() == 0
    copied_contest = first.contests.get()
    assert list(copied_contest.judges.all()) == [org.erin]
    assert copied_contest.entries.count() == 0
    assert first.tips.get().day == dt.date(2027, 10, 4)
    assert list(first.organisers.all()) == [org.mona]
    assert Event.objects.count() == 2


def test_signup_waitlist_and_promotion_when_someone_cancels(org: Any, week: Any) -> None:
    sheet = services.add_sheet(actor=org.mona, celebration=week, title="Potluck")
    slot = services.add_slot(
        actor=org.mona, sheet=sheet, starts_at=at(7, 0), ends_at=at(7, 4), capacity=1
    )
    first = services.sign_up(person=org.alice, slot=slot, contribution="Cake")
    second = services.sign_up(person=org.bruno, slot=slot, contribution="Tiramisù")
    assert first.status == SignupStatus.CONFIRMED
    assert second.status == SignupStatus.WAITLISTED
    assert services.sign_up(person=org.alice, slot=slot).pk == first.pk

    with pytest.raises(WeekError):
        services.cancel_signup(actor=org.sam, signup=first)
    promoted = services.cancel_signup(actor=org.alice, signup=first)

    assert promoted is not None and promoted.person == org.bruno
    second.refresh_from_db()
    assert second.status == SignupStatus.CONFIRMED
    email = OutboundEmail.objects.get(recipient=org.bruno)
    assert email.language == "it" and "Potluck" in email.subject


def test_panel_scores_and_results_rank_by_average(org: Any, week: Any) -> None:
    contest = services.add_contest(
        actor=org.mona,
        celebration=week,
        title="Costumes",
        kind=ContestKind.COSTUME,
        entrant=EntrantKind.TEAM,
        judges=[org.erin, org.lenny],
    )
    alpha = services.submit_entry(person=org.alice, contest=contest, title="Grey's Anatomy")
    beta = services.submit_entry(person=org.bruno, contest=contest, title="The Simpsons")
    with pytest.raises(WeekError):
        services.submit_entry(person=org.lenny, contest=contest, title="Again, team Alpha")
    services.score_entry(judge=org.erin, entry=alpha, points=9)
    services.score_entry(judge=org.erin, entry=beta, points=6)
    services.score_entry(judge=org.erin, entry=beta, points=7)  # a judge may change their mind
    with pytest.raises(WeekError):
        services.score_entry(judge=org.sam, entry=alpha, points=10)
    results = selectors.results(contest)
    assert [r.entry for r in results] == [alpha, beta]
    assert results[1].average == 7 and results[1].scores == 1
    # Only judges and organisers see every entry; Alice sees her team's.
    assert set(selectors.visible_entries(org.lenny, contest, manager=False)) == {alpha, beta}
    assert list(selectors.visible_entries(org.alice, contest, manager=False)) == [alpha]
    assert list(selectors.visible_entries(org.sam, contest, manager=False)) == []


def test_essay_ideas_become_backlog_items_that_owners_move_on(org: Any, week: Any) -> None:
    contest = services.add_contest(
        actor=org.mona, celebration=week, title="Essay", kind=ContestKind.ESSAY
    )
    essay = services.submit_entry(
        person=org.alice, contest=contest, title="Listen", text="Call customers back."
    )
    item = services.add_backlog_item(
        actor=org.mona, title="Call-back promise", source_entry=essay, owner=org.lenny
    )
    assert item.celebration == week
    with pytest.raises(WeekError):
        services.add_backlog_item(actor=org.alice, title="Mine", source_entry=essay)
    services.update_backlog_item(actor=org.lenny, item=item, status=BacklogStatus.IN_PROGRESS)
    with pytest.raises(WeekError):
        services.update_backlog_item(actor=org.sam, item=item, status=BacklogStatus.DONE)
    item.refresh_from_db()
    assert item.status == BacklogStatus.IN_PROGRESS


def test_department_sponsors_a_day_once(org: Any, week: Any) -> None:
    services.sponsor_day(
        actor=org.sam,
        celebration=week,
        day=dt.date(2026, 10, 6),
        department=org.sales,
        message="You keep our customers buying.",
    )
    with pytest.raises(WeekError):
        services.sponsor_day(
            actor=org.mona,
            celebration=week,
            day=dt.date(2026, 10, 6),
            department=org.care,
            message="Us too",
        )
    with pytest.raises(WeekError):
        services.sponsor_day(
            actor=org.sam,
            celebration=week,
            day=dt.date(2026, 10, 6),
            department=org.care,
            message="Not my department",
        )


def test_coverage_gaps_are_flagged_and_slots_not_overfilled(org: Any, week: Any) -> None:
    slot = services.add_coverage_slot(
        actor=org.mona,
        celebration=week,
        queue="Phone",
        starts_at=at(8, 13),
        ends_at=at(8, 16),
        needed=2,
    )
    services.cover_slot(person=org.sam, slot=slot)
    assert selectors.coverage_with_gaps(week)[0][1] == 1
    services.cover_slot(person=org.erin, slot=slot)
    assert selectors.coverage_with_gaps(week)[0][1] == 0
    with pytest.raises(WeekError):
        services.cover_slot(person=org.ada, slot=slot)


def test_every_fifth_customer_of_the_week_gets_a_mug_once(org: Any, week: Any) -> None:
    customers = [Customer.objects.create(name=f"C{i}") for i in range(11)]
    for i, customer in enumerate(customers):
        for repeat in range(2):  # a customer served twice counts once
            Interaction.objects.create(
                external_id=f"{i}-{repeat}",
                customer=customer,
                agent=org.alice,
                created_at=at(5, 8) + dt.timedelta(minutes=10 * i + repeat),
            )
    Interaction.objects.create(external_id="before", customer=customers[0], created_at=at(1, 8))
    rule = services.add_surprise_rule(
        actor=org.mona, celebration=week, kind=SurpriseKind.EVERY_NTH, gift="Mug", every=5
    )
    assert services.build_fulfilment(actor=org.mona, rule=rule) == 2
    assert services.build_fulfilment(actor=org.mona, rule=rule) == 0
    assert {f.customer for f in rule.fulfilments.all()} == {customers[4], customers[9]}
    cards = services.add_surprise_rule(
        actor=org.mona, celebration=week, kind=SurpriseKind.EVERYONE_THIS_YEAR, gift="Card"
    )
    assert services.build_fulfilment(actor=org.mona, rule=cards) == 11


def test_hunt_find_earns_tickets_once_per_person(org: Any, week: Any) -> None:
    item = services.hide_item(
        actor=org.mona, celebration=week, label="Moustache 1", hint="Under the copier", tickets=2
    )
    find, new = services.claim_find(person=org.alice, code=item.code)
    again, new_again = services.claim_find(person=org.alice, code=item.code)
    services.claim_find(person=org.bruno, code=item.code)
    assert new and not new_again and find.pk == again.pk
    assert services.tickets_of(org.alice, week) == 2
    assert HuntFind.objects.count() == 2
    with pytest.raises(WeekError):
        services.claim_find(person=org.alice, code="nope")


def test_thank_you_media_checks_type_by_content_and_size(org: Any, week: Any) -> None:
    png = SimpleUploadedFile("thanks.png", png_bytes(), "image/png")
    message = services.post_thanks(
        actor=org.mona, celebration=week, source="customer", author_name="ACME", media=png
    )
    assert message.media_kind == "image"
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", "image/png")
    with pytest.raises(WeekError):
        services.post_thanks(
            actor=org.mona, celebration=week, source="customer", author_name="X", media=fake
        )
    with pytest.raises(WeekError):
        services.post_thanks(
            actor=org.alice, celebration=week, source="customer", author_name="X", text="hi"
        )
    huge = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "image/jpeg")
    with pytest.raises(WeekError):
        services.post_thanks(
            actor=org.mona, celebration=week, source="leader", author_name="M", media=huge
        )


def test_daily_tip_goes_to_everyone_once_in_their_language(org: Any, week: Any) -> None:
    services.add_tip(
        actor=org.mona, celebration=week, day=dt.date(2026, 10, 5), title="Smile", text="It shows."
    )
    sent = services.send_daily_tip(dt.date(2026, 10, 5))
    assert sent == 7
    assert services.send_daily_tip(dt.date(2026, 10, 5)) == 0
    italian = OutboundEmail.objects.get(recipient=org.bruno)
    assert "Smile" in italian.subject and italian.subject != "Service tip of the day: Smile"


def test_reminders_are_sent_once_to_host_attendees_and_signups(org: Any, week: Any) -> None:
    event = services.add_event(
        actor=org.mona,
        celebration=week,
        title="Pizza",
        starts_at=at(6, 12),
        ends_at=at(6, 13),
        host=org.lenny,
    )
    services.set_attendance(person=org.alice, event=event, attending=True)
    services.set_attendance(person=org.bruno, event=event, attending=True)
    services.add_event(
        actor=org.mona,
        celebration=week,
        title="Later",
        starts_at=at(8, 12),
        ends_at=at(8, 13),
        host=org.lenny,
    )
    now = at(5, 18)
    assert services.send_reminders(now) == 3
    assert services.send_reminders(now) == 0
    assert set(OutboundEmail.objects.values_list("recipient__email", flat=True)) == {
        "alice@example.com",
        "bruno@example.com",
        "lenny@example.com",
    }
    italian = OutboundEmail.objects.get(recipient=org.bruno)
    assert italian.subject == "Domani: Pizza"
    assert "14:00" in italian.body_text  # 12:00 UTC is 14:00 in Rome


def test_add_idea_creates_event_and_what_it_needs_in_the_language(org: Any, week: Any) -> None:
    event = services.add_idea(
        actor=org.mona, celebration=week, key="potluck", day=dt.date(2026, 10, 7), language="it"
    )
    assert event.title == "Potluck di 24 ore"
    sheet = week.sheets.get()
    assert sheet.policy == "Porta tanto quanto prendi."
    assert sheet.slots.count() == 6
    services.add_idea(
        actor=org.mona, celebration=week, key="essay", day=dt.date(2026, 10, 5), language="th"
    )
    assert week.contests.get().kind == ContestKind.ESSAY
    with pytest.raises(WeekError):
        services.add_idea(actor=org.mona, celebration=week, key="essay", day=dt.date(2026, 12, 1))


def test_countdown_states(week: Celebration) -> None:
    assert selectors.countdown(week, dt.date(2026, 10, 1)) == {"state": "before", "days": 4}
    assert selectors.countdown(week, dt.date(2026, 10, 7)) == {"state": "during", "day": 3}
    assert selectors.countdown(week, dt.date(2026, 10, 10)) == {"state": "after"}
