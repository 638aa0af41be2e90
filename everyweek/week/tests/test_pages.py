from __future__ import annotations

import datetime as dt
import io
from typing import Any

import icalendar
import time_machine
from django.urls import reverse
from fontTools.ttLib import TTFont
from fpdf import FPDF

from everyweek.week import notices, printing, services
from everyweek.week.models import Audience, ContestKind, HuntFind, SignupStatus
from everyweek.week.tests.conftest import at, png_bytes


@time_machine.travel(dt.datetime(2026, 9, 28, 9, tzinfo=dt.UTC))
def test_home_page_shows_the_countdown_to_everyone(org: Any, week: Any) -> None:
    response = org.client_for(org.alice).get("/")
    assert response.status_code == 200
    assert 'data-testid="week-countdown"' in response.text
    assert "Starts in 7 days." in response.text


@time_machine.travel(dt.datetime(2026, 9, 28, 9, tzinfo=dt.UTC))
def test_countdown_in_the_viewers_language(org: Any, week: Any) -> None:
    response = org.client_for(org.bruno).get("/")
    assert "Starts in 7 days." not in response.text
    assert "7" in response.text and 'data-testid="week-countdown"' in response.text


def test_programme_shows_events_in_the_viewers_time_zone(org: Any, week: Any) -> None:
    services.add_event(
        actor=org.mona,
        celebration=week,
        title="Pizza party",
        starts_at=at(6, 10),
        ends_at=at(6, 11),
        place="Canteen",
    )
    services.add_event(
        actor=org.mona,
        celebration=week,
        title="Leaders only",
        starts_at=at(6, 12),
        ends_at=at(6, 13),
        audience=Audience.LEADERS,
    )
    alice = org.client_for(org.alice).get("/week/2026/")
    assert "Pizza party" in alice.text and "Leaders only" not in alice.text
    bruno = org.client_for(org.bruno).get("/week/2026/")  # Europe/Rome: UTC+2 in October
    assert "12:00" in bruno.text
    assert "Leaders only" in org.client_for(org.lenny).get("/week/2026/").text


def test_only_organisers_and_admins_manage(org: Any, week: Any) -> None:
    assert org.client_for(org.alice).get("/week/2026/plan/").status_code == 404
    assert org.client_for(org.mona).get("/week/2026/plan/").status_code == 200
    assert org.client_for(org.ada).get("/week/2026/events/new/").status_code == 200
    response = org.client_for(org.mona).post(
        "/week/2026/events/new/",
        {
            "title": "Breakfast",
            "starts_at": "2026-10-05T08:00",
            "ends_at": "2026-10-05T09:00",
            "audience": "everyone",
        },
    )
    assert response.status_code == 302
    assert week.events.get().title == "Breakfast"


def test_personal_calendar_feed_is_valid_ics_with_signups(org: Any, week: Any) -> None:
    services.add_event(
        actor=org.mona,
        celebration=week,
        title="Pizza, with; commas",
        starts_at=at(6, 10),
        ends_at=at(6, 11),
        place="Canteen",
        description="Line one\nLine two " + "x" * 120,
    )
    sheet = services.add_sheet(actor=org.mona, celebration=week, title="Potluck")
    slot = services.add_slot(
        actor=org.mona, sheet=sheet, starts_at=at(7, 0), ends_at=at(7, 4), capacity=3
    )
    services.sign_up(person=org.alice, slot=slot, contribution="Cake")
    page = org.client_for(org.alice).get("/week/calendar/")
    token = services.feed_for(org.alice).token
    assert token in page.text

    response = org.client_for(org.sam).get(f"/week/feed/{token}.ics")  # no session needed
    assert response["Content-Type"].startswith("text/calendar")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Pizza, with; commas", "Potluck"}
    pizza = events["Pizza, with; commas"]
    assert pizza.decoded("DTSTART") == at(6, 10)
    assert str(pizza["DESCRIPTION"]).startswith("Line one\nLine two")

    services.rotate_feed(person=org.alice)
    assert org.client_for(org.alice).get(f"/week/feed/{token}.ics").status_code == 404


def test_signup_page_waitlist_flow(org: Any, week: Any) -> None:
    sheet = services.add_sheet(
        actor=org.mona, celebration=week, title="Potluck", policy="Bring as much as you take."
    )
    slot = services.add_slot(
        actor=org.mona, sheet=sheet, starts_at=at(7, 0), ends_at=at(7, 4), capacity=1
    )
    org.client_for(org.alice).post(f"/week/slots/{slot.pk}/sign-up/", {"contribution": "Soup"})
    org.client_for(org.sam).post(f"/week/slots/{slot.pk}/sign-up/", {"contribution": "Bread"})
    page = org.client_for(org.sam).get(f"/week/sheets/{sheet.pk}/")
    assert "Bring as much as you take." in page.text and "Waiting list" in page.text
    mine = slot.signups.get(person=org.alice)
    assert org.client_for(org.sam).post(f"/week/signups/{mine.pk}/cancel/").status_code == 302
    assert slot.signups.count() == 2  # Sam cannot cancel Alice's place
    org.client_for(org.alice).post(f"/week/signups/{mine.pk}/cancel/")
    assert slot.signups.get().person == org.sam
    assert slot.signups.get().status == SignupStatus.CONFIRMED


def test_judges_see_entries_others_only_their_own(org: Any, week: Any) -> None:
    contest = services.add_contest(
        actor=org.mona, celebration=week, title="Essay", kind=ContestKind.ESSAY, judges=[org.erin]
    )
    services.submit_entry(person=org.alice, contest=contest, title="Alice's essay", text="Listen")
    services.submit_entry(person=org.sam, contest=contest, title="Sam's essay", text="Care")
    sam_page = org.client_for(org.sam).get(f"/week/contests/{contest.pk}/").text
    assert "Sam&#x27;s essay" in sam_page and "Alice&#x27;s essay" not in sam_page
    judge_page = org.client_for(org.erin).get(f"/week/contests/{contest.pk}/").text
    assert "Alice&#x27;s essay" in judge_page and 'name="points"' in judge_page
    entry = contest.entries.get(person=org.alice)
    org.client_for(org.erin).post(f"/week/entries/{entry.pk}/score/", {"points": 8})
    assert entry.scores.get().points == 8
    org.client_for(org.mona).post(
        f"/week/entries/{entry.pk}/backlog/", {"title": "Listen more", "owner": org.lenny.pk}
    )
    assert "Listen more" in org.client_for(org.alice).get("/week/backlog/").text


def test_hunt_qr_codes_print_and_scanning_earns_tickets_once(org: Any, week: Any) -> None:
    item = services.hide_item(actor=org.mona, celebration=week, label="Moustache", tickets=3)
    sheet = org.client_for(org.mona).get("/week/2026/hunt/print/")
    assert sheet.status_code == 200 and "<svg" in sheet.text
    assert org.client_for(org.alice).get("/week/2026/hunt/print/").status_code == 404
    client = org.client_for(org.alice)
    assert "Claim" in client.get(f"/week/found/{item.code}/").text
    client.post(f"/week/found/{item.code}/")
    client.post(f"/week/found/{item.code}/")
    assert HuntFind.objects.get().tickets == 3


def test_tips_booklet_pdf_embeds_thai_glyphs(org: Any, week: Any) -> None:
    services.add_tip(
        actor=org.mona,
        celebration=week,
        day=dt.date(2026, 10, 5),
        title="ยิ้มเสมอ",
        text="ลูกค้าได้ยินรอยยิ้มของคุณ",
    )
    response = org.client_for(org.alice).get("/week/2026/tips/booklet.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # The embedded subset font holds glyphs for the Thai code points used.
    font = TTFont(str(printing.font_path()))
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "ยิ้มเสมอ")
    assert b"/FontFile2" in response.content
    pdf = FPDF()
    pdf.add_font("body", "", str(printing.font_path()))
    pdf.set_font("body", size=10)
    assert pdf.get_string_width("ยิ้ม") > 0


def test_customer_notice_in_six_languages_with_banner(org: Any, week: Any) -> None:
    items = notices.notices(at(8, 12), at(8, 16), "Europe/Rome")
    assert [n.language for n in items] == ["en", "it", "de", "th", "es", "fr"]
    assert "14:00" in items[1].text and "18:00" in items[1].text
    assert "ottobre" in items[1].text.lower()
    assert '<div class="ew-service-notice" lang="th"' in items[3].banner_html
    services.add_coverage_slot(
        actor=org.mona,
        celebration=week,
        queue="Phone",
        starts_at=at(8, 12),
        ends_at=at(8, 16),
        needed=1,
    )
    page = org.client_for(org.mona).get("/week/2026/coverage/notice/")
    assert "un poco más lento" in page.text


def test_thank_you_wall_upload_and_slideshow(
    org: Any, week: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO(png_bytes())
    png.name = "team.png"
    org.client_for(org.lenny).post(
        "/week/2026/wall/",
        {"source": "leader", "author_name": "Lenny", "text": "Thank you!", "media": png},
    )
    message = week.thanks.get()
    assert message.media_kind == "image"
    show = org.client_for(org.alice).get("/week/2026/wall/slideshow/")
    assert "Thank you!" in show.text and "data-slide" in show.text


def test_ideas_library_adds_to_programme_in_one_click(org: Any, week: Any) -> None:
    page = org.client_for(org.mona).get("/week/2026/ideas/")
    assert "24-hour potluck" in page.text
    response = org.client_for(org.mona).post(
        "/week/2026/ideas/", {"key": "time_out", "day": "2026-10-08"}
    )
    assert response.status_code == 302
    assert week.events.get().idea_key == "time_out"
    assert week.coverage.count() == 1
    assert (
        org.client_for(org.alice)
        .post("/week/2026/ideas/", {"key": "potluck", "day": "2026-10-08"})
        .status_code
        == 404
    )


def test_every_page_answers_for_an_agent(org: Any, week: Any) -> None:
    client = org.client_for(org.alice)
    for name in ["programme", "contests", "sponsors", "coverage", "tips", "wall", "hunt", "retro"]:
        assert client.get(reverse(f"week:{name}", args=[2026])).status_code == 200, name
    for path in ["/week/", "/week/backlog/", "/week/51-weeks/", "/week/calendar/"]:
        assert client.get(path, follow=True).status_code == 200, path
    assert client.get("/week/2026/surprises/").status_code == 404


def test_retro_and_fifty_one_weeks(org: Any, week: Any) -> None:
    client = org.client_for(org.alice)
    client.post("/week/2026/retro/", {"kind": "went_well", "text": "The potluck"})
    assert "The potluck" in client.get("/week/2026/retro/").text
    page = client.get("/week/51-weeks/").text
    assert "Listening sessions held" in page


def test_programme_shows_the_weeks_stretch_goals_with_dares(org: Any, week: Any) -> None:
    from django.apps import apps

    try:
        goal_model = apps.get_model("recognition", "TeamGoal")
    except LookupError:  # recognition without goals: the card is simply not there
        assert (
            'data-testid="stretch-goals"' not in org.client_for(org.alice).get("/week/2026/").text
        )
        return
    goal_model.objects.create(
        team=org.alpha,
        title="95% in 30 seconds",
        target=95,
        progress=40,
        dare="Lenny works from the roof",
        due=dt.date(2026, 10, 9),
    )
    page = org.client_for(org.alice).get("/week/2026/").text
    assert "95% in 30 seconds" in page and "Lenny works from the roof" in page


@time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC))
def test_fifty_one_weeks_counts_weeks_in_which_a_practice_continued(org: Any, week: Any) -> None:
    from everyweek.listening.models import ListeningSession

    # The 2026 week ended on Friday 9 October; 6 full weeks have passed by 23 November.
    for day in [
        dt.date(2026, 10, 7),
        dt.date(2026, 10, 14),
        dt.date(2026, 10, 15),
        dt.date(2026, 11, 4),
    ]:
        held = dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
        ListeningSession.objects.create(leader=org.mona, starts_at=held, held_at=held)
    from everyweek.week import continuity

    report = continuity.report(org.alice, week)
    assert report is not None
    listening = next(s for s in report["series"] if s.label == "Listening sessions held")
    assert listening.available and listening.during == 1
    assert (listening.weeks_active, listening.weeks_total) == (2, 6)
    page = org.client_for(org.alice).get("/week/51-weeks/").text
    assert "2 of 6 weeks" in page
