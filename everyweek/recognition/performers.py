"""Top service performers from the scorecards, each closed period, on a par with sales.

A `TopPerformerRule` names a scorecard metric, a period kind, how many win (or a threshold)
and the least volume that counts. Evaluating a rule is one grouped query on the agent rollups
(plus one on adherence for schedule metrics, and one for the winners' names). The scheduled job
keeps the places of each closed period, tells the winners and their leaders, and a leader can
turn a place into public kudos with one click.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from everyweek.core import audit
from everyweek.core.access import is_leader, visible_people
from everyweek.people.models import Person
from everyweek.recognition import indices
from everyweek.recognition.models import Kudos, TopPerformerResult, TopPerformerRule, Visibility
from everyweek.recognition.services import RecognitionError, give_kudos, notify
from everyweek.scorecards.metrics import ADHERENCE_METRICS, CATALOGUE, format_value, volume_of
from everyweek.scorecards.selectors import Period, agent_totals, period_for, previous


@dataclass
class Place:
    rule: TopPerformerRule
    person: Person
    rank: int
    value: float
    volume: int
    period: Period
    result: TopPerformerResult | None = None

    @property
    def value_display(self) -> str:
        return format_value(CATALOGUE[self.rule.metric], self.value)

    def as_entry(self) -> indices.TopPerformer:
        return indices.TopPerformer(
            person=self.person,
            title=self.rule.name,
            value=self.value_display,
            period=self.period.label,
            result_id=self.result.pk if self.result else None,
            thanked=bool(self.result and self.result.kudos_id),
        )


def last_closed_period(kind: str, today: dt.date) -> Period:
    return previous(period_for(kind, today))


def _beats(value: float, threshold: float, higher_is_better: bool) -> bool:
    return value >= threshold if higher_is_better else value <= threshold


def evaluate(rule: TopPerformerRule, period: Period) -> list[Place]:
    """The rule's places in the period, best first (ties: more volume, then the older account)."""
    metric = CATALOGUE.get(rule.metric)
    if metric is None:
        return []
    per_agent = agent_totals(
        period, team_id=rule.team_id, with_adherence=rule.metric in ADHERENCE_METRICS
    )
    candidates: list[tuple[int, float, float]] = []
    for agent_id, totals in per_agent.items():
        volume = volume_of(metric, totals)
        # At least one, whatever the rule says: nobody tops a metric on no data.
        if volume < max(1, rule.min_volume):
            continue
        value = metric.compute(totals)
        if value is None:
            continue
        if rule.threshold is not None and not _beats(
            value, rule.threshold, metric.higher_is_better
        ):
            continue
        candidates.append((agent_id, value, volume))
    sign = -1 if metric.higher_is_better else 1
    candidates.sort(key=lambda c: (sign * c[1], -c[2], c[0]))
    if rule.top_n:
        candidates = candidates[: rule.top_n]
    people = Person.objects.in_bulk([c[0] for c in candidates])
    return [
        Place(rule, people[agent_id], rank, value, int(volume), period)
        for rank, (agent_id, value, volume) in enumerate(candidates, start=1)
        if agent_id in people
    ]


def latest_places(today: dt.date | None = None) -> list[Place]:
    """Every active rule's places in its last closed period: kept ones when the job has run
    (one query for all rules), measured live otherwise."""
    today = today or timezone.localdate()
    rules = list(TopPerformerRule.objects.filter(is_active=True).select_related("team"))
    periods = {rule.pk: last_closed_period(rule.period, today) for rule in rules}
    if not rules:
        return []
    wanted = Q()
    for rule in rules:
        wanted |= Q(rule_id=rule.pk, period_start=periods[rule.pk].start)
    kept: dict[int, list[TopPerformerResult]] = {}
    for result in TopPerformerResult.objects.filter(wanted).select_related("person"):
        kept.setdefault(result.rule_id, []).append(result)
    places: list[Place] = []
    for rule in rules:
        period = periods[rule.pk]
        if rule.pk in kept:
            places.extend(
                Place(rule, r.person, r.rank, r.value, r.volume, period, r)
                for r in sorted(kept[rule.pk], key=lambda r: r.rank)
            )
        else:
            places.extend(evaluate(rule, period))
    return places


def source(start: dt.date, end: dt.date) -> list[indices.TopPerformer]:
    """The hook recognition's pages read (see indices.register_top_performer_source)."""
    return [place.as_entry() for place in latest_places(end) if place.period.end > start]


def record_closed_periods(today: dt.date | None = None) -> int:
    """Keep each active rule's places in its last closed period, once; tell winners and leaders."""
    today = today or timezone.localdate()
    created = 0
    for rule in TopPerformerRule.objects.filter(is_active=True):
        period = last_closed_period(rule.period, today)
        if TopPerformerResult.objects.filter(rule=rule, period_start=period.start).exists():
            continue
        try:
            created += _record(rule, period)
        except IntegrityError:  # another run kept the same period first
            continue
    return created


@transaction.atomic
def _record(rule: TopPerformerRule, period: Period) -> int:
    places = evaluate(rule, period)
    TopPerformerResult.objects.bulk_create(
        [
            TopPerformerResult(
                rule=rule,
                period_start=period.start,
                period_end=period.end,
                person=place.person,
                rank=place.rank,
                value=place.value,
                volume=place.volume,
            )
            for place in places
        ]
    )
    url = reverse("recognition:top-performers")
    for place in places:
        with translation.override(place.person.locale or None):
            label = period.label
        notify(
            place.person,
            "top_performer",
            _("You are a top performer of %(period)s: %(rule)s (%(value)s)."),
            url,
            period=label,
            rule=rule.name,
            value=place.value_display,
        )
        leader = place.person.reports_to
        if leader is not None and leader.is_active:
            notify(
                leader,
                "top_performer",
                _("%(name)s is a top performer of %(period)s: %(rule)s. Thank them?"),
                url,
                name=place.person.get_full_name(),
                period=label,
                rule=rule.name,
            )
    audit.record(
        None,
        "top_performers.record",
        rule,
        {"period": period.start.isoformat(), "people": [p.person.pk for p in places]},
    )
    return len(places)


def can_commend(actor: Person, result: TopPerformerResult) -> bool:
    return (
        is_leader(actor)
        and actor.pk != result.person_id
        and visible_people(actor).filter(pk=result.person_id).exists()
    )


@transaction.atomic
def commend(*, actor: Person, result: TopPerformerResult) -> Kudos:
    """Public kudos from a leader for a kept place, once per place."""
    locked = (
        TopPerformerResult.objects.select_for_update()
        .select_related("rule", "person")
        .get(pk=result.pk)
    )
    if not can_commend(actor, locked):
        raise PermissionDenied
    if locked.kudos_id:
        raise RecognitionError(_("This top performer has already been thanked."))
    metric = CATALOGUE.get(locked.rule.metric)
    period = Period(locked.rule.period, locked.period_start, locked.period_end)
    with translation.override(locked.person.locale or None):
        message = gettext("Top performer of %(period)s: %(rule)s (%(value)s). Thank you!") % {
            "period": period.label,
            "rule": locked.rule.name,
            "value": format_value(metric, locked.value) if metric else locked.value,
        }
    kudos = give_kudos(
        author=actor, recipient=locked.person, message=message, visibility=Visibility.PUBLIC
    )
    locked.kudos = kudos
    locked.save(update_fields=["kudos"])
    audit.record(actor, "top_performers.commend", locked, {"kudos": kudos.pk})
    return kudos


@transaction.atomic
def create_rule(*, actor: Person, **fields: object) -> TopPerformerRule:
    """Admins set the rules (the Django admin edits them too)."""
    from everyweek.core.access import is_admin

    if not is_admin(actor):
        raise PermissionDenied
    if fields.get("metric") not in CATALOGUE:
        raise RecognitionError(_("Choose a metric from the scorecards."))
    if not fields.get("top_n") and fields.get("threshold") is None:
        raise RecognitionError(_("Give how many win, a threshold, or both."))
    rule = TopPerformerRule.objects.create(**fields)
    audit.record(actor, "top_performers.rule", rule, {k: str(v) for k, v in fields.items()})
    return rule
