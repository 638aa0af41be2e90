"""The metrics a career level can require, by key. Each is evaluated for many people at once.

A criterion stores a key from here and a threshold ("at least"). The built-in metrics use what
exists today: tenure from the hire date, customer CSAT and NPS from survey responses credited
to the person, and internal CSAT and on-time share from the service desk requests they handled.
Later apps add theirs at start-up; everyweek.recognition registers the kudos and customer
commendations a person received (recognition/career_metrics.py, from its AppConfig.ready):

    from everyweek.careers import metrics
    metrics.register(metrics.Metric("kudos_received", _("Kudos received (12 months)"), "", fn))

`window(today)` is the twelve months every "(12 months)" metric counts.

A criterion whose metric is not registered, or cannot be measured for a person (no hire date,
no ratings yet), shows as "not measured yet" and is not met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from everyweek.people.models import Person

Values = dict[int, Decimal | None]
Evaluator = Callable[[Sequence[Person], dt.date], Values]
WINDOW = dt.timedelta(days=365)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    unit: str | Promise
    evaluate: Evaluator


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> None:
    METRICS[metric.key] = metric


def choices() -> list[tuple[str, str | Promise]]:
    return [(m.key, m.label) for m in sorted(METRICS.values(), key=lambda m: m.key)]


def _d(value: float | int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def window(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The 365 days up to the end of `today`, in the current time zone."""
    end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    return end - WINDOW, end


def tenure_months(people: Sequence[Person], today: dt.date) -> Values:
    result: Values = {}
    for person in people:
        if person.hire_date is None:
            result[person.pk] = None
            continue
        months = (today.year - person.hire_date.year) * 12 + today.month - person.hire_date.month
        if today.day < person.hire_date.day:
            months -= 1
        result[person.pk] = Decimal(max(months, 0))
    return result


def _internal(people: Sequence[Person], today: dt.date, field: str) -> Values:
    from everyweek.servicedesk.selectors import internal_service_by_person

    start, end = window(today)
    figures = internal_service_by_person(start, end, [p.pk for p in people])
    result: Values = {}
    for person in people:
        value = getattr(figures[person.pk], field) if person.pk in figures else None
        result[person.pk] = None if value is None else _d(value)
    return result


def internal_csat_average(people: Sequence[Person], today: dt.date) -> Values:
    return _internal(people, today, "csat_average")


def internal_on_time_percent(people: Sequence[Person], today: dt.date) -> Values:
    return _internal(people, today, "on_time_percent")


def _customer_rows(people: Sequence[Person], today: dt.date) -> dict[int, dict[str, int]]:
    from everyweek.feedback.models import SurveyResponse

    start, end = window(today)
    # On a 1-5 footing a rating is satisfied from 4 up: (csat-1)*4/(scale-1) >= 3.
    happy = ExpressionWrapper(
        (F("csat") - 1) * 4 - (F("csat_scale") - 1) * 3, output_field=IntegerField()
    )
    rows = (
        SurveyResponse.objects.filter(
            agent_id__in=[p.pk for p in people], submitted_at__gte=start, submitted_at__lt=end
        )
        .alias(happy=happy)
        .values("agent_id")
        .annotate(
            rated=Count("pk", filter=Q(csat__isnull=False, csat_scale__gte=2)),
            satisfied=Count("pk", filter=Q(csat__isnull=False, csat_scale__gte=2, happy__gte=0)),
            answered=Count("nps"),
            promoters=Count("pk", filter=Q(nps__gte=9)),
            detractors=Count("pk", filter=Q(nps__lte=6)),
        )
        .order_by()
    )
    return {row["agent_id"]: row for row in rows}


def customer_csat_percent(people: Sequence[Person], today: dt.date) -> Values:
    rows = _customer_rows(people, today)
    result: Values = {}
    for person in people:
        row = rows.get(person.pk)
        result[person.pk] = (
            _d(100 * row["satisfied"] / row["rated"]) if row and row["rated"] else None
        )
    return result


def customer_nps(people: Sequence[Person], today: dt.date) -> Values:
    rows = _customer_rows(people, today)
    result: Values = {}
    for person in people:
        row = rows.get(person.pk)
        result[person.pk] = (
            _d(100 * (row["promoters"] - row["detractors"]) / row["answered"])
            if row and row["answered"]
            else None
        )
    return result


register(Metric("tenure_months", _("Months since hire"), _("months"), tenure_months))
register(
    Metric(
        "internal_csat_average",
        _("Internal CSAT of requests handled (12 months)"),
        "/5",
        internal_csat_average,
    )
)
register(
    Metric(
        "internal_on_time_percent",
        _("Internal requests resolved on time (12 months)"),
        "%",
        internal_on_time_percent,
    )
)
register(
    Metric(
        "customer_csat_percent",
        _("Customer CSAT, share satisfied (12 months)"),
        "%",
        customer_csat_percent,
    )
)
register(Metric("customer_nps", _("Customer NPS (12 months)"), "", customer_nps))


def not_measured_yet(people: Sequence[Person], today: dt.date) -> Values:
    """A placeholder until the recognition app registers the real kudos count under this key."""
    return dict.fromkeys((p.pk for p in people), None)


register(Metric("kudos_received", _("Kudos received (12 months)"), "", not_measured_yet))


def evaluate(keys: set[str], people: Sequence[Person], today: dt.date) -> dict[str, Values]:
    """Each registered metric among `keys`, for all `people` at once (a query or two each)."""
    return {key: METRICS[key].evaluate(people, today) for key in keys if key in METRICS}
