from __future__ import annotations

import datetime as dt
import re
import zlib
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from everyweek.notifications.models import OutboundEmail
from everyweek.recognition import certificates, indices, programmes, services
from everyweek.recognition.models import (
    AwardProgramme,
    Badge,
    MilestoneReminder,
    Notification,
    Raffle,
    RaffleTicket,
)

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def _programme(org: Any) -> AwardProgramme:
    programme = AwardProgramme.objects.create(
        name="Red Carpet Awards",
        nominations_open=NOW - dt.timedelta(days=5),
        nominations_close=NOW + dt.timedelta(days=5),
    )
    programme.judges.set([org.mona, org.erin])
    return programme


def test_awards_from_nomination_to_published_results(org: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        programme = _programme(org)
        with pytest.raises(services.RecognitionError):
            programmes.nominate(
                actor=org.alice, programme=programme, nominee=org.alice, reason="Me"
            )
        a = programmes.nominate(
            actor=org.lenny, programme=programme, nominee=org.alice, reason="Saved a key account"
        )
        b = programmes.nominate(
            actor=org.lenny, programme=programme, nominee=org.bruno, reason="Calm under fire"
        )
        with pytest.raises(services.RecognitionError):
            programmes.score_nomination(judge=org.mona, nomination=a, score=5)
    with time_machine.travel(NOW + dt.timedelta(days=6), tick=False):
        with pytest.raises(services.RecognitionError):
            programmes.nominate(actor=org.sam, programme=programme, nominee=org.alice, reason="x")
        with pytest.raises(PermissionDenied):
            programmes.score_nomination(judge=org.lenny, nomination=a, score=5)
        programmes.score_nomination(judge=org.mona, nomination=a, score=5)
        programmes.score_nomination(judge=org.erin, nomination=a, score=4)
        programmes.score_nomination(judge=org.mona, nomination=b, score=3)
        with pytest.raises(PermissionDenied):
            programmes.publish_results(actor=org.mona, programme=programme)
        winners = programmes.publish_results(actor=org.ada, programme=programme)
    assert [w.nominee for w in winners] == [org.alice]
    a.refresh_from_db()
    assert a.rank == 1 and a.average_score == 4.5
    assert Notification.objects.filter(recipient=org.alice, kind="award").exists()
    email = OutboundEmail.objects.get(recipient=org.alice, template="recognition/email/award")
    assert email.attachments[0]["mimetype"] == "application/pdf"
    client = org.client_for(org.alice)
    assert (
        "Saved a key account" in client.get(f"/recognition/awards/{programme.pk}/").content.decode()
    )
    pdf = client.get(f"/recognition/nominations/{a.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        org.client_for(org.sam).get(f"/recognition/nominations/{a.pk}/certificate.pdf").status_code
        == 404
    )


def _unicode_map(pdf: bytes) -> str:
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            text.append(stream.decode("latin-1"))
    return "\n".join(text)


def test_a_thai_certificate_embeds_the_thai_glyphs(org: Any) -> None:
    org.alice.locale = "th"
    org.alice.full_name = "สมหญิง ใจดี"
    org.alice.save()
    with time_machine.travel(NOW, tick=False):
        programme = _programme(org)
        nomination = programmes.nominate(
            actor=org.lenny, programme=programme, nominee=org.alice, reason="บริการยอดเยี่ยม"
        )
    nomination.rank = 1
    pdf = certificates.certificate_pdf(nomination)
    assert b"/FontFile2" in pdf  # the TrueType font itself is embedded
    cmap = _unicode_map(pdf).upper()
    # The ToUnicode map lists every glyph used: the Thai letters of the name are there.
    for letter in "สมหญิงใจดี":
        assert f"{ord(letter):04X}" in cmap, letter


def test_raffle_is_committed_before_and_verifiable_after_the_draw(org: Any) -> None:
    raffle = programmes.create_raffle(
        actor=org.lenny, name="October", prize="A mug", winners_count=2
    )
    commitment = raffle.commitment
    body = org.client_for(org.alice).get(f"/recognition/raffles/{raffle.pk}/").content.decode()
    assert commitment in body and raffle.seed not in body
    services.give_kudos(author=org.alice, recipient=org.bruno, message="a")
    services.give_kudos(author=org.bruno, recipient=org.alice, message="b")
    services.give_kudos(author=org.sam, recipient=org.alice, message="c")
    assert RaffleTicket.objects.filter(raffle=raffle).count() == 3
    with pytest.raises(PermissionDenied):
        programmes.draw_raffle(actor=org.alice, raffle=raffle)
    winners = programmes.draw_raffle(actor=org.lenny, raffle=raffle)
    raffle.refresh_from_db()
    assert len(set(winners)) == 2 and raffle.commitment == commitment
    assert programmes.commitment_for(raffle.seed) == commitment
    assert programmes.verify_raffle(raffle)
    holders = list(raffle.tickets.values_list("pk", "person_id"))
    assert programmes.draw_winners(raffle.seed, list(reversed(holders)), 2) == winners
    assert Notification.objects.filter(kind="raffle").count() == 2
    body = org.client_for(org.alice).get(f"/recognition/raffles/{raffle.pk}/").content.decode()
    assert raffle.seed in body
    with pytest.raises(services.RecognitionError):
        programmes.draw_raffle(actor=org.lenny, raffle=raffle)
    # Drawn raffles take no more tickets.
    services.give_kudos(author=org.alice, recipient=org.bruno, message="later")
    assert RaffleTicket.objects.filter(raffle=raffle).count() == 3


def test_tampering_with_the_winners_fails_verification(org: Any) -> None:
    raffle = programmes.create_raffle(actor=org.lenny, name="R", prize="P")
    services.give_kudos(author=org.alice, recipient=org.bruno, message="a")
    services.give_kudos(author=org.bruno, recipient=org.alice, message="b")
    programmes.draw_raffle(actor=org.lenny, raffle=raffle)
    Raffle.objects.filter(pk=raffle.pk).update(winners=[org.sam.pk])
    raffle.refresh_from_db()
    assert not programmes.verify_raffle(raffle)


def test_reaching_a_stretch_goal_reveals_the_leaders_dare(org: Any) -> None:
    goal = programmes.set_goal(
        actor=org.lenny, team=org.alpha, title="NPS 60", target=60, dare="Work from the roof"
    )
    with pytest.raises(PermissionDenied):
        programmes.set_goal(actor=org.lenny, team=org.beta, title="x", target=1)
    programmes.record_progress(actor=org.lenny, goal=goal, progress=40)
    assert not Notification.objects.filter(kind="goal").exists()
    programmes.record_progress(actor=org.lenny, goal=goal, progress=61)
    notes = Notification.objects.filter(kind="goal")
    assert {n.recipient for n in notes} == {org.alice, org.lenny}
    assert "Work from the roof" in notes.first().text  # type: ignore[union-attr]
    page = org.client_for(org.alice).get("/recognition/goals/").content.decode()
    assert "<progress" in page and "Work from the roof" in page
    assert (
        org.client_for(org.bruno).get("/recognition/goals/").content.decode().count("<progress")
        == 0
    )


def test_badges_are_awarded_by_leaders_to_their_people(org: Any) -> None:
    badge = Badge.objects.create(name="Queue hero")
    programmes.award_badge(actor=org.lenny, person=org.alice, badge=badge)
    with pytest.raises(PermissionDenied):
        programmes.award_badge(actor=org.lenny, person=org.bruno, badge=badge)
    with pytest.raises(services.RecognitionError):
        programmes.award_badge(actor=org.lenny, person=org.lenny, badge=badge)


def test_service_anniversaries_remind_the_leader_ahead_once(org: Any) -> None:
    org.alice.hire_date = dt.date(2021, 3, 20)
    org.alice.save()
    assert programmes.remind_milestones(dt.date(2026, 3, 1)) == 0  # more than two weeks ahead
    assert programmes.remind_milestones(dt.date(2026, 3, 10)) == 1
    assert programmes.remind_milestones(dt.date(2026, 3, 11)) == 0
    note = Notification.objects.get(recipient=org.lenny, kind="milestone")
    assert "5" in note.text and "Alice Agent" in note.text
    assert MilestoneReminder.objects.count() == 1


def test_gini_coefficient() -> None:
    assert indices.gini([]) is None
    assert indices.gini([3, 3, 3]) == 0.0
    assert indices.gini([0, 0, 0, 10]) == 0.75


def test_coverage_lists_the_overlooked(org: Any) -> None:
    services.give_kudos(author=org.bruno, recipient=org.alice, message="a")
    now = timezone.now() + dt.timedelta(seconds=1)
    team = org.alpha.members.all()
    result = indices.coverage(team, 30, now)
    assert result.recognised == 1 and result.people == 2 and result.share == 50.0
    assert result.overlooked == [org.lenny]
    page = org.client_for(org.lenny).get("/recognition/indices/")
    assert page.status_code == 200 and "Lenny Lead" in page.content.decode()
    assert org.client_for(org.alice).get("/recognition/indices/").status_code == 403


def test_evenness_counts_recognition_outside_customer_service_week(org: Any) -> None:
    week = indices.cs_week_start(2025)
    for day in (week, dt.date(2025, 6, 2), dt.date(2025, 2, 3)):
        with time_machine.travel(dt.datetime.combine(day, dt.time(10), dt.UTC), tick=False):
            services.give_kudos(author=org.bruno, recipient=org.alice, message="x")
    result = indices.evenness(org.alpha.members.all(), dt.datetime(2025, 12, 1, tzinfo=dt.UTC))
    assert result.total == 3 and result.outside_cs_week == 66.7
    assert result.weeks_with_recognition == 3


def test_parity_puts_service_beside_sales(org: Any) -> None:
    services.give_kudos(author=org.sam, recipient=org.alice, message="a", points=10)
    services.give_kudos(author=org.alice, recipient=org.sam, message="b")
    rows = {row.kind: row for row in indices.parity(timezone.now() + dt.timedelta(seconds=1))}
    assert rows["service"].people == 4 and rows["sales"].people == 1
    assert rows["service"].kudos_per_person == 0.2 and rows["service"].points_per_person == 2.5
    assert rows["sales"].kudos_per_person == 1.0
    # Per-head figures without names: for every leader, not for agents.
    page = org.client_for(org.lenny).get("/recognition/parity/").content.decode()
    assert 'data-testid="parity"' in page and 'data-testid="parity-rewards"' in page
    assert org.client_for(org.alice).get("/recognition/parity/").status_code == 403


def test_scorecards_can_register_top_performers(org: Any) -> None:
    def source(start: dt.date, end: dt.date) -> list[Any]:
        return [org.alice]

    indices.register_top_performer_source(source)
    try:
        found = indices.top_performers(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
        assert [t.person for t in found] == [org.alice]
        page = org.client_for(org.lenny).get("/recognition/indices/").content.decode()
        assert "Top service performers" in page
    finally:
        indices._TOP_PERFORMER_SOURCES.remove(source)


def test_the_wall_has_an_office_screen_mode(org: Any) -> None:
    services.give_kudos(author=org.sam, recipient=org.alice, message="On the big screen")
    page = org.client_for(org.bruno).get("/recognition/wall/?screen=1").content.decode()
    assert "On the big screen" in page and "wall.js" in page
    assert 'class="main-nav"' not in page
    team_page = org.client_for(org.bruno).get(f"/recognition/wall/team/{org.alpha.pk}/")
    assert "On the big screen" in team_page.content.decode()
    other_team = org.client_for(org.bruno).get(f"/recognition/wall/team/{org.beta.pk}/")
    assert "On the big screen" not in other_team.content.decode()
