"""Demo data for Customer Service Week: last year's full programme, with what happened, and the
coming October's, copied from it and filling up. Uses the people already generated.

`generate_week(rng)` is idempotent: a year that already has a celebration is left alone.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from everyweek.customers.models import Customer
from everyweek.people.models import Department, DepartmentKind, Person, Role
from everyweek.week import dates, services
from everyweek.week.models import (
    BacklogStatus,
    Celebration,
    ContestKind,
    RetroKind,
    SurpriseKind,
)

ESSAYS = [
    (
        "Listening first",
        "Great service means hearing the whole question before answering. "
        "Idea: a call-back promise when we cannot solve it on the first call.",
    ),
    (
        "Servizio è fiducia",
        "Per me un ottimo servizio è mantenere le promesse. Idea: "
        "un riepilogo scritto dopo ogni chiamata complessa.",
    ),
    (
        "Service heißt Zeit",
        "Großartiger Service bedeutet, sich Zeit zu nehmen. Idee: ein "
        "ruhiger Raum für schwierige Gespräche.",
    ),
    ("บริการคือความใส่ใจ", "บริการที่ยอดเยี่ยมคือการใส่ใจในรายละเอียด ความคิด: แบบฟอร์มติดตามผลหลังปิดเคส"),
    (
        "Own it end to end",
        "Customers should never have to repeat themselves. Idea: "
        "warm hand-offs between teams with the full history.",
    ),
]
BACKLOG = [
    ("Call-back promise when not solved on first contact", BacklogStatus.DONE),
    ("Written summary after complex calls", BacklogStatus.IN_PROGRESS),
    ("Quiet room for difficult conversations", BacklogStatus.PLANNED),
    ("Warm hand-offs with full history", BacklogStatus.IDEA),
]
TIPS = [
    ("Smile, they can hear it", "Customers hear a smile on the phone. Start every call with one."),
    ("Use their name", "Use the customer's name once or twice; it shows you are listening."),
    ("Promise less, deliver more", "Give a time you can beat, then beat it."),
    ("ปิดท้ายด้วยคำถาม", "ถามเสมอว่า 'มีอะไรให้ช่วยอีกไหม' ก่อนวางสาย"),
    ("Chiudi il cerchio", "Richiama il cliente per confermare che il problema è risolto."),
]
THANKS = [
    ("leader", "You turned our toughest quarter into our best NPS ever. Thank you!"),
    ("customer", "Your team solved our billing mess in one afternoon. Grazie mille!"),
    ("customer", "Danke für die schnelle Hilfe beim Umzug unserer Konten."),
    ("leader", "ขอบคุณทุกคนที่ดูแลลูกค้าด้วยใจตลอดปี"),
    ("customer", "Always friendly, always fast. Keep it up!"),
]
# Customers' own messages through the wall's link: (name, company, text, approved).
CUSTOMER_POSTS = [
    ("Giulia", "Rossi S.p.A.", "Grazie per la pazienza con i nostri mille ordini!", True),
    ("Jonas", "ACME GmbH", "Ihr seid die Besten. Danke für jeden Rückruf!", True),
    ("Ploy", "Siam Trading", "ขอบคุณที่ช่วยแก้ปัญหาให้เร็วมากค่ะ", True),
    ("Tom", "Northwind Ltd", "Happy Customer Service Week! You saved our launch.", False),
]
CONTRIBUTIONS = [
    "Lasagne",
    "Fruit salad",
    "Pad thai",
    "Brezeln",
    "Tiramisù",
    "Sandwiches",
    "Coffee",
    "Cookies",
    "Spring rolls",
    "Focaccia",
]
SPONSOR_MESSAGES = [
    "Every renewal we close starts with a customer your team looked after. Thank you!",
    "You tell us what customers really think; our releases are better for it.",
    "Your notes on every ticket save us hours when we reconcile accounts.",
]
RETRO = [
    (RetroKind.WENT_WELL, "The 24-hour potluck reached the night shift for the first time."),
    (RetroKind.WENT_WELL, "Sales covering the queue gave them a new view of our customers."),
    (RetroKind.IMPROVE, "Start the essay contest a week earlier so more people take part."),
    (RetroKind.IMPROVE, "Print the QR codes on sturdier paper."),
]
PROGRAMME = [
    # (idea key, day of the week 0-4)
    ("essay", 0),
    ("tips", 0),
    ("hunt", 0),
    ("sponsor", 1),
    ("potluck", 2),
    ("costume", 3),
    ("time_out", 3),
    ("thank_you_video", 4),
    ("dare", 4),
    ("surprise", 1),
    ("open_house", 2),
]


def coming_year(today: dt.date) -> int:
    _start, end = dates.compute_dates(today.year)
    return today.year if today <= end else today.year + 1


def _pick(rng: random.Random, people: list[Person], n: int) -> list[Person]:
    return rng.sample(people, min(n, len(people)))


def _build_programme(
    rng: random.Random, admin: Person, organisers: list[Person], year: int
) -> Celebration:
    celebration = services.plan_celebration(
        actor=admin,
        year=year,
        theme=rng.choice(["Making a difference", "We are superheroes", "Ready to serve"]),
        budget=Decimal(rng.choice([2500, 4000, 6000])),
        organisers=organisers,
    )
    for key, offset in PROGRAMME:
        services.add_idea(
            actor=admin,
            celebration=celebration,
            key=key,
            day=celebration.starts_on + dt.timedelta(days=offset),
            language=admin.locale or "en",
        )
    services.add_event(
        actor=admin,
        celebration=celebration,
        title="Pizza party after work",
        starts_at=dates.at(celebration.starts_on + dt.timedelta(days=4), 17),
        ends_at=dates.at(celebration.starts_on + dt.timedelta(days=4), 19),
        place="Canteen",
        host=organisers[0],
    )
    for i, (title, text) in enumerate(TIPS):
        services.add_tip(
            actor=admin,
            celebration=celebration,
            day=celebration.starts_on + dt.timedelta(days=i),
            title=title,
            text=text,
        )
    for i in range(8):
        services.hide_item(
            actor=admin,
            celebration=celebration,
            label=f"Moustache #{i + 1}",
            hint=rng.choice(["Under the copier", "In the fridge", "Between reports", "Stockroom"]),
            tickets=rng.choice([1, 1, 2]),
        )
    services.add_surprise_rule(
        actor=admin, celebration=celebration, kind=SurpriseKind.EVERY_NTH, gift="Mug", every=5
    )
    services.add_surprise_rule(
        actor=admin,
        celebration=celebration,
        kind=SurpriseKind.EVERYONE_THIS_YEAR,
        gift="Thank-you card",
    )
    return celebration


def _fill(
    rng: random.Random,
    admin: Person,
    celebration: Celebration,
    service: list[Person],
    others: list[Person],
    leaders: list[Person],
    share: float,
) -> None:
    """What people did: sign-ups, entries, scores, sponsors, cover, messages, finds."""
    everyone = service + others
    for sheet in celebration.sheets.all():
        for slot in sheet.slots.all():
            for person in _pick(rng, everyone, int(slot.capacity * share) + 1):
                services.sign_up(person=person, slot=slot, contribution=rng.choice(CONTRIBUTIONS))
    judges = _pick(rng, leaders, 3)
    for contest in celebration.contests.all():
        services.set_judges(actor=admin, contest=contest, judges=judges)
        if contest.kind == ContestKind.ESSAY:
            authors = _pick(rng, service, max(2, int(len(ESSAYS) * share)))
            for author, (title, text) in zip(authors, ESSAYS, strict=False):
                services.submit_entry(person=author, contest=contest, title=title, text=text)
        else:
            seen_teams: set[int] = set()
            for person in service:
                if person.team_id and person.team_id not in seen_teams and rng.random() < share:
                    seen_teams.add(person.team_id)
                    services.submit_entry(
                        person=person,
                        contest=contest,
                        title=rng.choice(["Grey's Anatomy", "The Simpsons", "Friends", "Heidi"]),
                    )
    departments = list(Department.objects.exclude(kind=DepartmentKind.SERVICE).order_by("name")[:3])
    for i, department in enumerate(departments):
        if rng.random() < share + 0.3:
            author = next((p for p in others if p.department_id == department.pk), admin)
            services.sponsor_day(
                actor=author if author.department_id == department.pk else admin,
                celebration=celebration,
                day=celebration.starts_on + dt.timedelta(days=i + 1),
                department=department,
                message=SPONSOR_MESSAGES[i % len(SPONSOR_MESSAGES)],
            )
    for shift in celebration.coverage.all():
        for person in _pick(rng, others, min(shift.needed, int(shift.needed * share) + 1)):
            services.cover_slot(person=person, slot=shift)
    for source, text in THANKS[: max(2, int(len(THANKS) * share))]:
        author = rng.choice(leaders) if source == "leader" else admin
        name = (
            author.full_name
            if source == "leader"
            else rng.choice(["ACME GmbH", "Rossi S.p.A.", "Siam Trading", "Northwind Ltd"])
        )
        services.post_thanks(
            actor=author, celebration=celebration, source=source, author_name=name, text=text
        )
    for item in celebration.hunt.all():
        for person in _pick(rng, everyone, min(30, int(len(everyone) * share * 0.3))):
            services.claim_find(person=person, code=item.code)


def _after_the_week(
    rng: random.Random, admin: Person, celebration: Celebration, leaders: list[Person]
) -> None:
    for contest in celebration.contests.all():
        for entry in contest.entries.all():
            for judge in contest.judges.all():
                if judge.pk != entry.person_id:
                    services.score_entry(judge=judge, entry=entry, points=rng.randint(5, 10))
        services.close_contest(actor=admin, contest=contest)
        if contest.kind == ContestKind.ESSAY:
            for entry, (title, status) in zip(contest.entries.all(), BACKLOG, strict=False):
                item = services.add_backlog_item(
                    actor=admin, title=title, source_entry=entry, owner=rng.choice(leaders)
                )
                if status != BacklogStatus.IDEA:
                    services.update_backlog_item(actor=admin, item=item, status=status)
    for kind, text in RETRO:
        services.add_retro_note(person=admin, celebration=celebration, kind=kind, text=text)
    for rule in celebration.surprises.all():
        services.build_fulfilment(actor=admin, rule=rule)
        for fulfilment in rule.fulfilments.all()[:20]:
            services.mark_fulfilled(actor=admin, fulfilment=fulfilment)
    for customer in Customer.objects.order_by("pk")[:4]:
        n = rng.randint(2, 6)
        services.record_swap(
            actor=admin,
            celebration=celebration,
            customer=customer,
            shirts_received=n,
            shirts_sent=n,
            photo_sent=rng.random() < 0.7,
        )


def _customer_notice(admin: Person, celebration: Celebration) -> None:
    """The notice for the afternoon the service team stepped out, sent to recent customers."""
    if services.coverage_window(celebration) is None or celebration.notices.exists():
        return
    notice = services.draft_notice(actor=admin, celebration=celebration, contacted_within_days=7)
    services.send_notice(actor=admin, notice=notice)
    # Delivered here rather than by the worker, so the demo shows the deliveries at once (the
    # queued task then finds everyone reached and does nothing).
    services.deliver_notice(notice.pk)


def _customer_posts(admin: Person, celebration: Celebration) -> None:
    """Customers' messages through the wall's link: most approved, one still waiting."""
    if celebration.thanks.filter(author__isnull=True).exists():
        return
    services.open_customer_wall(actor=admin, celebration=celebration)
    for name, company, text, approved in CUSTOMER_POSTS:
        message = services.submit_customer_thanks(
            key=celebration.wall_key, author_name=name, company=company, text=text
        )
        if approved:
            services.moderate_thanks(actor=admin, message=message, approve=True)


def _stretch_goal(admin: Person, celebration: Celebration, service: list[Person]) -> None:
    """A stretch goal with a leader's dare, through recognition's goals when it has them."""
    try:
        programmes = importlib.import_module("everyweek.recognition.programmes")
    except ImportError:
        return
    team = next((p.team for p in service if p.team_id), None)
    if team is None or not hasattr(programmes, "set_goal"):
        return
    programmes.set_goal(
        actor=admin,
        team=team,
        title="Answer 95% of calls within 30 seconds during the week",
        target=95,
        dare="The director works from the roof for a day",
        due=celebration.ends_on,
    )


def generate_week(rng: random.Random) -> dict[str, Any]:
    admin = Person.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        return {"celebrations": Celebration.objects.count()}
    people = list(Person.objects.filter(is_active=True).select_related("department"))
    service = [p for p in people if p.department and p.department.kind == DepartmentKind.SERVICE]
    others = [p for p in people if p not in service and p.role != Role.ADMIN]
    leaders = [p for p in people if p.role in (Role.LEAD, Role.MANAGER, Role.EXECUTIVE)] or [admin]
    managers = [p for p in service if p.role == Role.MANAGER][:2] or leaders[:1]
    year = coming_year(timezone.localdate())
    last = Celebration.objects.filter(year=year - 1).first()
    if last is None:
        last = _build_programme(rng, admin, managers, year - 1)
        _fill(rng, admin, last, service, others, leaders, share=0.8)
        _after_the_week(rng, admin, last, leaders)
        _customer_notice(admin, last)
    if not Celebration.objects.filter(year=year).exists():
        coming = services.copy_programme(actor=admin, source=last, year=year)
        _fill(rng, admin, coming, service, others, leaders, share=0.3)
        _stretch_goal(admin, coming, service)
        _customer_posts(admin, coming)
    return {"celebrations": Celebration.objects.count(), "year": year}
