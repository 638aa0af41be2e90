"""Awards with nominations and judging, raffles with a verifiable drawing, team goals with a
leader's dare, badges, and service-anniversary reminders. Every write is atomic and audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from everyweek.core import audit
from everyweek.core.access import is_admin, is_leader, visible_people
from everyweek.notifications.services import send_email
from everyweek.people.models import Person, Role, Team
from everyweek.recognition.certificates import certificate_pdf
from everyweek.recognition.models import (
    AwardProgramme,
    Badge,
    BadgeAward,
    MilestoneReminder,
    Nomination,
    Raffle,
    RaffleTicket,
    Score,
    TeamGoal,
)
from everyweek.recognition.services import RecognitionError, notify
from everyweek.scorecards.metrics import ADHERENCE_METRICS, CATALOGUE, add_totals, empty_totals
from everyweek.scorecards.selectors import team_daily_totals

# --- Awards ------------------------------------------------------------------------------


def nominations_open(programme: AwardProgramme, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return programme.nominations_open <= now < programme.nominations_close


@transaction.atomic
def nominate(
    *, actor: Person, programme: AwardProgramme, nominee: Person, reason: str
) -> Nomination:
    if nominee.pk == actor.pk:
        raise RecognitionError(_("You cannot nominate yourself."))
    if not nominations_open(programme) or programme.published_at:
        raise RecognitionError(_("Nominations are closed."))
    if not reason.strip():
        raise RecognitionError(_("Say why you nominate them."))
    if Nomination.objects.filter(programme=programme, nominee=nominee, nominated_by=actor).exists():
        raise RecognitionError(_("You have already nominated this person."))
    nomination = Nomination.objects.create(
        programme=programme, nominee=nominee, nominated_by=actor, reason=reason.strip()
    )
    audit.record(actor, "award.nominate", nomination, {"nominee": nominee.pk})
    return nomination


@transaction.atomic
def score_nomination(
    *, judge: Person, nomination: Nomination, score: int, comment: str = ""
) -> Score:
    """A judge's score sheet entry (1 to 5), once the nomination window has closed."""
    programme = nomination.programme
    if not programme.judges.filter(pk=judge.pk).exists():
        raise PermissionDenied
    if nomination.nominee_id == judge.pk:
        raise RecognitionError(_("Judges do not score their own nomination."))
    if nominations_open(programme) or programme.published_at:
        raise RecognitionError(_("Scoring happens after nominations close and before results."))
    if not 1 <= score <= 5:
        raise RecognitionError(_("A score is from 1 to 5."))
    row, _created = Score.objects.update_or_create(
        nomination=nomination, judge=judge, defaults={"score": score, "comment": comment[:500]}
    )
    audit.record(judge, "award.score", nomination, {"score": score})
    return row


@transaction.atomic
def publish_results(*, actor: Person, programme: AwardProgramme) -> list[Nomination]:
    """Rank nominees by their average score (ties: more nominations first); notify winners."""
    if not is_admin(actor):
        raise PermissionDenied
    locked = AwardProgramme.objects.select_for_update().get(pk=programme.pk)
    if locked.published_at:
        raise RecognitionError(_("The results are already published."))
    if nominations_open(locked):
        raise RecognitionError(_("Nominations are still open."))
    # One row per nominee: their best-scored nomination represents them.
    nominations: list[Nomination] = list(
        Nomination.objects.filter(programme=locked)
        .annotate(avg=Avg("scores__score"))
        .select_related("nominee")
    )
    counts: dict[int, int] = {}
    for n in nominations:
        counts[n.nominee_id] = counts.get(n.nominee_id, 0) + 1
    best: dict[int, Nomination] = {}
    for nom in nominations:
        nom.average_score = getattr(nom, "avg", None)
        current = best.get(nom.nominee_id)
        if current is None or (nom.average_score or 0) > (current.average_score or 0):
            best[nom.nominee_id] = nom
    ranked = sorted(
        best.values(), key=lambda n: (-(n.average_score or 0), -counts[n.nominee_id], n.pk)
    )
    for position, ranked_nom in enumerate(ranked, start=1):
        ranked_nom.rank = position
        ranked_nom.save(update_fields=["rank", "average_score"])
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at"])
    winners = ranked[: locked.winners]
    url = reverse("recognition:award", args=[locked.pk])
    for winner in winners:
        notify(
            winner.nominee,
            "award",
            _("You won the %(award)s! Your certificate is ready."),
            url,
            award=locked.name,
        )
        # The certificate travels with the email, in the winner's language.
        send_email(
            to=winner.nominee,
            template="recognition/email/award",
            context={"programme": locked, "nomination": winner, "url": url},
            attachments=[("certificate.pdf", certificate_pdf(winner), "application/pdf")],
        )
    audit.record(actor, "award.publish", locked, {"winners": [w.nominee_id for w in winners]})
    return winners


# --- Raffles -----------------------------------------------------------------------------


def commitment_for(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


@transaction.atomic
def create_raffle(
    *, actor: Person, name: str, prize: str, winners_count: int = 1, tickets_per_kudos: int = 1
) -> Raffle:
    """The seed is drawn now and only its sha256 is shown until the drawing."""
    if not is_leader(actor):
        raise PermissionDenied
    seed = secrets.token_hex(16)
    raffle = Raffle.objects.create(
        name=name,
        prize=prize,
        winners_count=max(1, winners_count),
        tickets_per_kudos=tickets_per_kudos,
        seed=seed,
        commitment=commitment_for(seed),
    )
    audit.record(actor, "raffle.create", raffle, {"commitment": raffle.commitment})
    return raffle


def give_tickets(
    *, person: Person, reason: str, tickets: int = 1, raffle: Raffle | None = None
) -> int:
    """Tickets for an activity, in one raffle or in every raffle not drawn yet."""
    raffles = [raffle] if raffle else list(Raffle.objects.filter(drawn_at__isnull=True))
    rows = [
        RaffleTicket(raffle=r, person=person, reason=reason[:120])
        for r in raffles
        if r.drawn_at is None
        for _i in range(tickets)
    ]
    RaffleTicket.objects.bulk_create(rows)
    return len(rows)


def draw_winners(seed: str, ticket_holders: list[tuple[int, int]], count: int) -> list[int]:
    """The drawing, as a pure function anyone can re-run: random.Random(seed) picks tickets from
    the list sorted by ticket id until `count` different people have won.

    `ticket_holders` is [(ticket_id, person_id)].
    """
    tickets = sorted(ticket_holders)
    rng = random.Random(seed)  # noqa: S311 - reproducibility is the point; the seed is committed
    winners: list[int] = []
    remaining = list(tickets)
    while remaining and len(winners) < count:
        _ticket, person = remaining.pop(rng.randrange(len(remaining)))
        if person not in winners:
            winners.append(person)
    return winners


@transaction.atomic
def draw_raffle(*, actor: Person, raffle: Raffle) -> list[int]:
    if not is_leader(actor):
        raise PermissionDenied
    locked = Raffle.objects.select_for_update().get(pk=raffle.pk)
    if locked.drawn_at:
        raise RecognitionError(_("This raffle has already been drawn."))
    holders = list(locked.tickets.values_list("pk", "person_id"))
    winners = draw_winners(locked.seed, holders, locked.winners_count)
    locked.winners = winners
    locked.drawn_at = timezone.now()
    locked.save(update_fields=["winners", "drawn_at"])
    for person in Person.objects.filter(pk__in=winners):
        notify(
            person,
            "raffle",
            _("You won the raffle “%(raffle)s”: %(prize)s"),
            reverse("recognition:raffle", args=[locked.pk]),
            raffle=locked.name,
            prize=locked.prize,
        )
    audit.record(actor, "raffle.draw", locked, {"winners": winners, "seed": locked.seed})
    return winners


def verify_raffle(raffle: Raffle) -> bool:
    """Anyone can check: the seed matches the commitment, and re-drawing gives the winners."""
    if not raffle.drawn_at:
        return False
    holders = list(raffle.tickets.values_list("pk", "person_id"))
    return commitment_for(raffle.seed) == raffle.commitment and draw_winners(
        raffle.seed, holders, raffle.winners_count
    ) == list(raffle.winners)


# --- Goals and badges --------------------------------------------------------------------


def _leads_team(actor: Person, team: Team) -> bool:
    if is_admin(actor) or actor.role == Role.EXECUTIVE:
        return True
    if actor.role == Role.MANAGER:
        return actor.department_id == team.department_id
    return actor.role == Role.LEAD and actor.team_id == team.pk


def goal_teams(actor: Person) -> Any:
    """The teams whose goals `actor` may set and update."""
    teams = Team.objects.all()
    if is_admin(actor) or actor.role == Role.EXECUTIVE:
        return teams
    if actor.role == Role.MANAGER and actor.department_id:
        return teams.filter(department_id=actor.department_id)
    if actor.role == Role.LEAD and actor.team_id:
        return teams.filter(pk=actor.team_id)
    return teams.none()


@transaction.atomic
def set_goal(
    *,
    actor: Person,
    team: Team,
    title: str,
    target: int = 0,
    dare: str = "",
    due: dt.date | None = None,
    metric: str = "",
    metric_target: float | None = None,
    starts_on: dt.date | None = None,
) -> TeamGoal:
    """A goal counted by hand (`target`), or on a scorecard metric over starts_on..due."""
    if not _leads_team(actor, team):
        raise PermissionDenied
    if metric:
        if metric not in CATALOGUE:
            raise RecognitionError(_("Choose a metric from the scorecards."))
        if metric_target is None or starts_on is None or due is None:
            raise RecognitionError(_("A metric goal needs a target value, a start and a due date."))
        if due < starts_on:
            raise RecognitionError(_("The due date comes after the start."))
        # The hand counter then follows the measured share of the target, in percent.
        target = 100
    elif target <= 0:
        raise RecognitionError(_("A target must be above zero."))
    goal = TeamGoal.objects.create(
        team=team,
        title=title,
        target=target,
        dare=dare,
        due=due,
        created_by=actor,
        metric=metric,
        metric_target=metric_target if metric else None,
        starts_on=starts_on if metric else None,
    )
    audit.record(
        actor,
        "goal.create",
        goal,
        {"target": target, "dare": dare, "metric": metric, "metric_target": metric_target},
    )
    return goal


def _announce_reached(goal: TeamGoal) -> None:
    for member in Person.objects.filter(team=goal.team, is_active=True):
        notify(
            member,
            "goal",
            _("Goal reached: %(goal)s! The dare: %(dare)s"),
            reverse("recognition:goals"),
            goal=goal.title,
            dare=goal.dare or "—",
        )


@transaction.atomic
def record_progress(*, actor: Person, goal: TeamGoal, progress: int) -> TeamGoal:
    """When the goal is first reached, the team hears it, with the leader's dare."""
    locked = TeamGoal.objects.select_for_update().select_related("team").get(pk=goal.pk)
    if not _leads_team(actor, locked.team):
        raise PermissionDenied
    if locked.metric:
        raise RecognitionError(_("This goal is measured from the scorecards."))
    changes = audit.diff(locked, {"progress": max(0, progress)})
    locked.progress = max(0, progress)
    reached_now = locked.reached_at is None and locked.progress >= locked.target
    if reached_now:
        locked.reached_at = timezone.now()
    locked.save(update_fields=["progress", "reached_at"])
    if reached_now:
        _announce_reached(locked)
    audit.record(actor, "goal.progress", locked, changes)
    return locked


def metric_goal_met(goal: TeamGoal, today: dt.date) -> bool:
    """A count that can only grow (praise, volume) is reached the moment it hits the target;
    a rate or an average only counts once its window has closed, so one good morning does not
    trigger the dare."""
    metric = goal.metric_info
    if metric is None or goal.metric_value is None or goal.metric_target is None:
        return False
    value, target = goal.metric_value, goal.metric_target
    meets = value >= target if metric.higher_is_better else value <= target
    cumulative = metric.unit == "count" and metric.higher_is_better
    return meets and (cumulative or (goal.due is not None and today > goal.due))


def measure_goals(goals: list[TeamGoal], today: dt.date | None = None) -> list[TeamGoal]:
    """Sets `metric_value` (in memory) and `reached_live` on each goal, from the team rollups:
    one grouped query (two for schedule metrics) for any number of goals and windows."""
    today = today or timezone.localdate()
    measured = [g for g in goals if g.metric_info and g.starts_on and g.due]
    for goal in goals:
        goal.reached_live = goal.reached_at is not None  # type: ignore[attr-defined]
    if not measured:
        return goals
    start = min(g.starts_on for g in measured if g.starts_on)
    end = max(g.due for g in measured if g.due) + dt.timedelta(days=1)
    daily = team_daily_totals(
        sorted({g.team_id for g in measured}),
        start,
        end,
        with_adherence=any(g.metric in ADHERENCE_METRICS for g in measured),
    )
    for goal in measured:
        totals = empty_totals()
        for day, row in daily.get(goal.team_id, []):
            if goal.starts_on and goal.due and goal.starts_on <= day <= goal.due:
                add_totals(totals, row)
        goal.metric_value = goal.metric_info.compute(totals)
        goal.reached_live = goal.reached_at is not None or metric_goal_met(goal, today)  # type: ignore[attr-defined]
    return goals


def check_metric_goals(today: dt.date | None = None) -> int:
    """The scheduled check: store each open metric goal's measurement; when one is reached, the
    team hears it with the dare. Goals are looked at until a week after their due date, for
    figures that arrive late."""
    today = today or timezone.localdate()
    goals = list(
        TeamGoal.objects.exclude(metric="")
        .filter(reached_at__isnull=True, starts_on__lte=today, due__gte=today - dt.timedelta(7))
        .select_related("team")
    )
    measure_goals(goals, today)
    reached = 0
    now = timezone.now()
    for goal in goals:
        goal.measured_at = now
        goal.progress = goal.percent
        fields = ["metric_value", "measured_at", "progress"]
        if goal.reached_live:  # type: ignore[attr-defined]
            goal.reached_at = now
            fields.append("reached_at")
        with transaction.atomic():
            goal.save(update_fields=fields)
            if goal.reached_at:
                reached += 1
                _announce_reached(goal)
                audit.record(None, "goal.reached", goal, {"value": goal.metric_value})
    return reached


@transaction.atomic
def award_badge(*, actor: Person, person: Person, badge: Badge, reason: str = "") -> BadgeAward:
    if person.pk == actor.pk:
        raise RecognitionError(_("You cannot award yourself."))
    if not is_leader(actor) or not visible_people(actor).filter(pk=person.pk).exists():
        raise PermissionDenied
    award = BadgeAward.objects.create(badge=badge, person=person, awarded_by=actor, reason=reason)
    notify(person, "badge", _("You earned the badge %(badge)s."), "", badge=str(badge))
    audit.record(actor, "badge.award", person, {"badge": badge.pk})
    return award


# --- Milestones --------------------------------------------------------------------------


def upcoming_anniversaries(
    people: Any, today: dt.date, within_days: int = 30
) -> list[tuple[Person, dt.date, int]]:
    """(person, anniversary date, years) for hire-date anniversaries in the next days."""
    found = []
    for person in people.filter(hire_date__isnull=False, is_active=True):
        hired = person.hire_date
        for year in (today.year, today.year + 1):
            try:
                day = hired.replace(year=year)
            except ValueError:  # 29 February
                day = dt.date(year, 3, 1)
            years = year - hired.year
            if years > 0 and today <= day <= today + dt.timedelta(days=within_days):
                found.append((person, day, years))
    return sorted(found, key=lambda row: row[1])


def remind_milestones(today: dt.date | None = None, within_days: int = 14) -> int:
    """Remind each leader of their people's service anniversaries ahead of time, once each."""
    today = today or timezone.localdate()
    people = Person.objects.filter(reports_to__isnull=False).select_related("reports_to")
    sent = 0
    for person, day, years in upcoming_anniversaries(people, today, within_days):
        sent += _remind(person, day, years)
    return sent


@transaction.atomic
def _remind(person: Person, day: dt.date, years: int) -> int:
    _row, created = MilestoneReminder.objects.get_or_create(person=person, year=day.year)
    leader = person.reports_to
    if not created or leader is None:
        return 0
    notify(
        leader,
        "milestone",
        _("%(name)s celebrates %(years)s years with us on %(date)s."),
        reverse("recognition:give") + f"?to={person.pk}",
        name=person.get_full_name(),
        years=years,
        date=day.isoformat(),
    )
    return 1
