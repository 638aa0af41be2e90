"""A year of generated recognition for the demo organisation.

`generate_recognition(rng)` works on the generated people (`is_generated=True`): company values
and a rewards catalogue, kudos in every direction across the whole year (more in Customer Service
Week, but never only then), customer praise from the generated survey comments turned into
commendations, most of them thanked by the agent's leader after a realistic delay, and the points
ledger that goes with the kudos. Rows are written with bulk_create and send no email.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import models, transaction
from django.utils import timezone

from everyweek.people.models import DepartmentKind, PartnerOrganisation, Person, Role, Team
from everyweek.recognition.indices import cs_week_start
from everyweek.recognition.models import (
    AwardProgramme,
    Badge,
    BadgeAward,
    Commendation,
    CompanyValue,
    Kudos,
    Nomination,
    PointsAccount,
    PointsEntry,
    PointsKind,
    Raffle,
    RaffleTicket,
    RecognitionSettings,
    Reward,
    Score,
    TeamGoal,
    TopPerformerRule,
    Visibility,
)

VALUES = [
    ("Ownership", "We see it through to the end."),
    ("Care", "We treat every customer as the only one."),
    ("Teamwork", "We cover for each other."),
    ("Curiosity", "We ask why, and fix the cause."),
]
REWARDS = [
    ("Coffee with the CEO", 50),
    ("Cinema tickets", 120),
    ("An extra afternoon off", 300),
    ("Donation to a charity of your choice", 80),
]
MESSAGES = {
    "en": [
        "Thanks for covering my queue while I was at the dentist!",
        "Your answer to the angry customer was a masterclass.",
        "You made our biggest renewal possible this quarter.",
        "Thank you for training the new starters so patiently.",
    ],
    "it": [
        "Grazie per aver coperto la mia coda!",
        "La tua risposta al cliente arrabbiato è stata perfetta.",
        "Grazie per la pazienza con i nuovi colleghi.",
    ],
    "de": [
        "Danke, dass du meine Warteschlange übernommen hast!",
        "Deine Antwort an den verärgerten Kunden war meisterhaft.",
        "Danke für die geduldige Einarbeitung der Neuen.",
    ],
    "th": [
        "ขอบคุณที่ช่วยรับสายแทนตอนที่ฉันไม่อยู่",
        "คำตอบของคุณถึงลูกค้าที่ไม่พอใจยอดเยี่ยมมาก",
        "ขอบคุณที่สอนน้องใหม่อย่างอดทน",
    ],
}
FROM_OTHER_DEPARTMENTS = [
    "Sales thanks the service team: three renewals this month came from your follow-ups.",
    "Product team: your bug reports are the best we get. Thank you!",
]
TO_PARTNERS = [
    "Thank you for delivering the replacement parts overnight.",
    "Your courier team saved our customer's wedding day.",
]
THANK_NOTES = {
    "en": "This is exactly the service we want to give. Thank you!",
    "it": "È esattamente il servizio che vogliamo offrire. Grazie!",
    "de": "Genau so wollen wir Service machen. Danke!",
    "th": "นี่คือบริการที่เราอยากให้ลูกค้า ขอบคุณมาก",
}
KUDOS_PER_WEEK = 12
CS_WEEK_EXTRA = 40


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), dt.UTC)


@transaction.atomic
def generate_recognition(rng: random.Random, *, days: int = 365) -> dict[str, int]:
    people = list(Person.objects.filter(is_generated=True, is_active=True).select_related("team"))
    if len(people) < 3:
        return {"kudos": 0, "commendations": 0}
    created_before: dict[type[models.Model], int] = {
        model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # type: ignore[attr-defined]
        for model in (CompanyValue, Reward, AwardProgramme, Raffle, Badge, TopPerformerRule)
    }
    values = [
        CompanyValue.objects.get_or_create(name=name, defaults={"description": text})[0]
        for name, text in VALUES
    ]
    for name, cost in REWARDS:
        Reward.objects.get_or_create(name=name, defaults={"cost": cost})
    allowance = RecognitionSettings.load().monthly_allowance
    service = [p for p in people if p.department and p.department.kind == DepartmentKind.SERVICE]
    others = [p for p in people if p not in service] or people
    service_teams = list(Team.objects.filter(department__kind=DepartmentKind.SERVICE))
    partners = list(PartnerOrganisation.objects.filter(is_active=True))
    today = timezone.localdate()
    start = today - dt.timedelta(days=days)

    kudos_rows: list[Kudos] = []
    wanted_values: list[list[CompanyValue]] = []
    given: dict[tuple[int, str], int] = defaultdict(int)
    day = start
    while day <= today:
        week_start = cs_week_start(day.year)
        in_cs_week = week_start <= day < week_start + dt.timedelta(days=5)
        per_day = KUDOS_PER_WEEK / 5 + (CS_WEEK_EXTRA / 5 if in_cs_week else 0)
        count = int(per_day) + (1 if rng.random() < per_day % 1 else 0)
        if day.weekday() >= 5:
            count = 0
        for _ in range(count):
            roll = rng.random()
            author = rng.choice(people)
            row = Kudos(author=author, created_at=_at(day, rng), visibility=Visibility.PUBLIC)
            if roll < 0.08 and service_teams:
                row.author = rng.choice(others)
                row.team = rng.choice(service_teams)
                row.message = rng.choice(FROM_OTHER_DEPARTMENTS)
            elif roll < 0.12 and partners:
                row.partner = rng.choice(partners)
                row.message = rng.choice(TO_PARTNERS)
            else:
                recipient = rng.choice(service or people)
                if recipient.pk == author.pk:
                    continue
                row.recipient = recipient
                language = recipient.locale if recipient.locale in MESSAGES else "en"
                row.message = rng.choice(MESSAGES[language])
                row.visibility = rng.choice(
                    [Visibility.PUBLIC] * 6 + [Visibility.TEAM] * 2 + [Visibility.PRIVATE]
                )
                period = f"{row.created_at:%Y-%m}"
                points = rng.choice([0, 0, 5, 10, 20])
                if points and given[(author.pk, period)] + points <= allowance:
                    given[(author.pk, period)] += points
                    row.points = points
            kudos_rows.append(row)
            wanted_values.append(rng.sample(values, rng.randint(0, 2)))
        day += dt.timedelta(days=1)
    Kudos.objects.bulk_create(kudos_rows, batch_size=1000)
    through = Kudos.values.through
    through.objects.bulk_create(
        [
            through(kudos_id=k.pk, companyvalue_id=v.pk)
            for k, vs in zip(kudos_rows, wanted_values, strict=True)
            for v in vs
        ],
        batch_size=1000,
    )
    entries: list[PointsEntry] = []
    granted = set(
        PointsEntry.objects.filter(kind=PointsKind.ALLOWANCE).values_list("person_id", "period")
    )
    for (person_id, period), _total in given.items():
        if (person_id, period) in granted:
            continue
        entries.append(
            PointsEntry(
                person_id=person_id,
                account=PointsAccount.GIVING,
                kind=PointsKind.ALLOWANCE,
                amount=allowance,
                period=period,
            )
        )
    for k in kudos_rows:
        if k.points and k.recipient_id and k.author_id:
            period = f"{k.created_at:%Y-%m}"
            entries.append(
                PointsEntry(
                    person_id=k.author_id,
                    account=PointsAccount.GIVING,
                    kind=PointsKind.GIVEN,
                    amount=-k.points,
                    kudos=k,
                    period=period,
                )
            )
            entries.append(
                PointsEntry(
                    person_id=k.recipient_id,
                    account=PointsAccount.EARNED,
                    kind=PointsKind.RECEIVED,
                    amount=k.points,
                    kudos=k,
                    period=period,
                )
            )
    PointsEntry.objects.bulk_create(entries, batch_size=1000)
    counts = {
        "kudos": len(kudos_rows),
        "commendations": _commendations(rng),
        "awards": _awards(rng, service or people, people, today),
        "goals": _goals(rng, service_teams, people),
        "raffles": _raffle(rng, people),
        "rules": _top_performer_rules(),
    }
    _register(created_before)
    return counts


def _register(before: dict[type[models.Model], int]) -> None:
    """List the rows made here in models without an `is_generated` flag (and that no generated
    person's deletion removes), so the demo's delete_generated() removes them too."""
    from django.contrib.contenttypes.models import ContentType

    from everyweek.demo.models import GeneratedObject

    rows: list[GeneratedObject] = []
    for model, last_pk in before.items():
        content_type = ContentType.objects.get_for_model(model)
        rows.extend(
            GeneratedObject(content_type=content_type, object_id=pk)
            for pk in model.objects.filter(pk__gt=last_pk).values_list("pk", flat=True)  # type: ignore[attr-defined]
        )
    GeneratedObject.objects.bulk_create(rows, batch_size=1000)


def _awards(
    rng: random.Random, nominees: list[Person], people: list[Person], today: dt.date
) -> int:
    """Last October's Red Carpet Awards, published; this quarter's Service Hero, open."""
    judges = [p for p in people if p.role in (Role.MANAGER, Role.EXECUTIVE)][:3]
    week = cs_week_start(today.year if today >= cs_week_start(today.year) else today.year - 1)
    red_carpet = AwardProgramme.objects.create(
        name="Red Carpet Awards",
        description="Our service stars, chosen by their colleagues during Customer Service Week.",
        nominations_open=_at(week - dt.timedelta(days=21), rng),
        nominations_close=_at(week, rng),
        winners=3,
        published_at=_at(week + dt.timedelta(days=4), rng),
    )
    red_carpet.judges.set(judges)
    hero = AwardProgramme.objects.create(
        name="Service Hero of the Quarter",
        nominations_open=_at(today - dt.timedelta(days=10), rng),
        nominations_close=_at(today + dt.timedelta(days=20), rng),
    )
    hero.judges.set(judges)
    chosen = rng.sample(nominees, min(8, len(nominees)))
    for rank, nominee in enumerate(chosen, start=1):
        by = rng.choice([p for p in people if p.pk != nominee.pk])
        nomination = Nomination.objects.create(
            programme=red_carpet,
            nominee=nominee,
            nominated_by=by,
            reason=rng.choice(MESSAGES["en"]),
            rank=rank,
        )
        scores = [
            Score(nomination=nomination, judge=j, score=max(1, 5 - (rank - 1) // 2))
            for j in judges
            if j.pk != nominee.pk
        ]
        Score.objects.bulk_create(scores)
        nomination.average_score = sum(s.score for s in scores) / len(scores) if scores else None
        nomination.save(update_fields=["average_score"])
    for nominee in rng.sample(nominees, min(3, len(nominees))):
        by = rng.choice([p for p in people if p.pk != nominee.pk])
        Nomination.objects.create(
            programme=hero, nominee=nominee, nominated_by=by, reason=rng.choice(MESSAGES["en"])
        )
    return 2


def _goals(rng: random.Random, teams: list[Team], people: list[Person]) -> int:
    dares = [
        "The director works a day from the roof.",
        "Our lead sings the company song at the all-hands.",
        "Pizza for everyone, served by the executive team.",
    ]
    for index, team in enumerate(teams):
        target = rng.choice([50, 60, 100])
        reached = index == 0
        TeamGoal.objects.create(
            team=team,
            title=f"Customer praise this quarter: {target}",
            target=target,
            progress=target if reached else rng.randint(target // 4, target - 1),
            dare=rng.choice(dares),
            reached_at=timezone.now() - dt.timedelta(days=3) if reached else None,
        )
    if teams:
        # One goal on the scorecards, measured from the rollups: this month's satisfaction.
        today = timezone.localdate()
        first = today.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        TeamGoal.objects.create(
            team=teams[0],
            title="Customer satisfaction 4.5 this month",
            target=100,
            metric="csat",
            metric_target=4.5,
            starts_on=first,
            due=last,
            dare=rng.choice(dares),
        )
    badge, _created = Badge.objects.get_or_create(
        name="Queue hero", defaults={"emoji": "🦸", "description": "Covered the queue for others."}
    )
    BadgeAward.objects.bulk_create(
        [BadgeAward(badge=badge, person=p) for p in rng.sample(people, min(5, len(people)))]
    )
    return len(teams)


def _top_performer_rules() -> int:
    """Top service performers on a par with sales: the month's best rated and most praised.
    They are measured from the scorecard rollups, live until the job keeps them."""
    # Volumes fit the generated organisation (about ten answers and twenty interactions per
    # agent a month), so the demo shows places for the last closed month.
    TopPerformerRule.objects.create(
        name="Customer satisfaction stars of the month",
        metric="csat",
        period="month",
        top_n=3,
        min_volume=5,
    )
    TopPerformerRule.objects.create(
        name="Most praised by customers this month",
        metric="commendations",
        period="month",
        top_n=3,
        min_volume=10,
    )
    return 2


def _raffle(rng: random.Random, people: list[Person]) -> int:
    """One raffle drawn in last Customer Service Week, one open now."""
    import secrets

    from everyweek.recognition.programmes import commitment_for, draw_winners

    drawn_seed = f"{rng.getrandbits(128):032x}"
    drawn = Raffle.objects.create(
        name="Customer Service Week raffle",
        prize="A weekend in the mountains",
        winners_count=2,
        seed=drawn_seed,
        commitment=commitment_for(drawn_seed),
    )
    RaffleTicket.objects.bulk_create(
        [RaffleTicket(raffle=drawn, person=rng.choice(people), reason="kudos") for _i in range(60)]
    )
    holders = list(drawn.tickets.values_list("pk", "person_id"))
    drawn.winners = draw_winners(drawn_seed, holders, 2)
    drawn.drawn_at = timezone.now() - dt.timedelta(days=30)
    drawn.save(update_fields=["winners", "drawn_at"])
    open_seed = secrets.token_hex(16)
    Raffle.objects.create(
        name="This month's raffle",
        prize="Cinema tickets",
        seed=open_seed,
        commitment=commitment_for(open_seed),
    )
    return 2


def _commendations(rng: random.Random) -> int:
    """Praise from generated survey comments (promoters with a comment) becomes commendations."""
    from everyweek.feedback.models import SurveyResponse

    responses = (
        SurveyResponse.objects.filter(
            nps__gte=9, agent__isnull=False, agent__is_generated=True, commendation__isnull=True
        )
        .exclude(comment="")
        .select_related("agent", "agent__reports_to")
        .order_by("submitted_at")
    )
    now = timezone.now()
    rows: list[Commendation] = []
    for response in responses.iterator():
        if rng.random() > 0.35:
            continue  # not every promoter comment is praise of the agent by name
        agent = response.agent
        assert agent is not None
        leader = agent.reports_to
        row = Commendation(
            agent=agent,
            response=response,
            quote=response.comment,
            language=response.language,
            detected_at=response.submitted_at,
        )
        age = now - response.submitted_at
        thanked = rng.random() < 0.85
        if (
            leader is not None
            and leader.role != Role.AGENT
            and age > dt.timedelta(days=2)
            and thanked
        ):
            delay = dt.timedelta(hours=rng.choice([1, 3, 6, 20, 30, 50, 120]))
            row.thanked_at = min(response.submitted_at + delay, now)
            row.thanked_by = leader
            row.thank_note = THANK_NOTES.get(leader.locale, THANK_NOTES["en"])
            row.on_wall = rng.random() < 0.4
        rows.append(row)
    Commendation.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
