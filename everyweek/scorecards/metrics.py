"""The metrics catalogue: what each scorecard figure means and how it is computed from sums.

Every metric is a function of `Totals` (sums of rollup columns, adherence minutes and the
internal service desk's daily figures over any set of days), so a week, a month or a custom
period is computed the same way, from sums per day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from everyweek.scorecards.models import HANDLE_TIME_EDGES, HIST_FIELDS, SUM_FIELDS

ADHERENCE_FIELDS = ("scheduled_minutes", "adherent_minutes", "present_minutes")
# Internal requests the subject provided (everyweek.servicedesk), by day of resolution.
INTERNAL_FIELDS = ("internal_resolved", "internal_on_time", "internal_rated", "internal_rating_sum")
Totals = dict[str, float]


def empty_totals() -> Totals:
    return {name: 0 for name in (*SUM_FIELDS, *ADHERENCE_FIELDS, *INTERNAL_FIELDS)}


def add_totals(into: Totals, other: dict[str, Any]) -> Totals:
    for name in into:
        value = other.get(name) or 0
        # PostgreSQL sums bigint columns as numeric (Decimal), which refuses float arithmetic
        # (follow-up hours scale by 1 / 3600).
        into[name] += float(value) if isinstance(value, Decimal) else value
    return into


def hist_quantile(totals: Totals, q: float) -> float | None:
    """The q-quantile of handle time, interpolated inside its bucket (seconds)."""
    counts = [totals[name] for name in HIST_FIELDS]
    n = sum(counts)
    if not n:
        return None
    target = q * n
    seen = 0.0
    for i, count in enumerate(counts):
        if count and seen + count >= target:
            low = HANDLE_TIME_EDGES[i - 1] if i else 0
            high = HANDLE_TIME_EDGES[i] if i < len(HANDLE_TIME_EDGES) else HANDLE_TIME_EDGES[-1] * 2
            return low + (target - seen) / count * (high - low)
        seen += count
    return float(HANDLE_TIME_EDGES[-1] * 2)


def _ratio(num: float, den: float, scale: float = 100) -> float | None:
    return num * scale / den if den else None


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    description: str | Promise
    unit: str  # "count", "percent", "seconds", "score", "per_hour", "hours"
    higher_is_better: bool
    compute: Callable[[Totals], float | None]
    # What a drill-down lists: "interactions", "responses", "adherence", "followups" or
    # "internal_requests".
    drill: str


def _nps(t: Totals) -> float | None:
    answered = t["promoters"] + t["passives"] + t["detractors"]
    return _ratio(t["promoters"] - t["detractors"], answered)


METRICS: tuple[Metric, ...] = (
    Metric(
        "volume",
        _("Volume"),
        _("Interactions handled in the period."),
        "count",
        True,
        lambda t: t["interactions"],
        "interactions",
    ),
    Metric(
        "productivity",
        _("Productivity"),
        _("Interactions per scheduled hour (schedule from workforce management)."),
        "per_hour",
        True,
        lambda t: _ratio(t["interactions"], t["scheduled_minutes"], 60),
        "interactions",
    ),
    Metric(
        "handle_time_mean",
        _("Handle time (mean)"),
        _("Average handle time of the interactions that report one."),
        "seconds",
        False,
        lambda t: _ratio(t["handle_seconds"], t["handle_count"], 1),
        "interactions",
    ),
    Metric(
        "handle_time_median",
        _("Handle time (median)"),
        _("Half of the interactions took less than this; from a fixed histogram of handle times."),
        "seconds",
        False,
        lambda t: hist_quantile(t, 0.5),
        "interactions",
    ),
    Metric(
        "handle_time_p90",
        _("Handle time (90th percentile)"),
        _("Nine interactions in ten took less than this; from a fixed histogram of handle times."),
        "seconds",
        False,
        lambda t: hist_quantile(t, 0.9),
        "interactions",
    ),
    Metric(
        "first_response",
        _("First-response attainment"),
        _("Share of interactions answered within their first-response standard."),
        "percent",
        True,
        lambda t: _ratio(t["fr_met"], t["fr_evaluated"]),
        "interactions",
    ),
    Metric(
        "resolution",
        _("Resolution attainment"),
        _("Share of interactions resolved within their resolution standard."),
        "percent",
        True,
        lambda t: _ratio(t["res_met"], t["res_evaluated"]),
        "interactions",
    ),
    Metric(
        "reopen_rate",
        _("Reopen rate"),
        _("Share of interactions the customer had to reopen."),
        "percent",
        False,
        lambda t: _ratio(t["reopened"], t["interactions"]),
        "interactions",
    ),
    Metric(
        "adherence",
        _("Schedule adherence"),
        _("Adherent minutes divided by scheduled minutes."),
        "percent",
        True,
        lambda t: _ratio(t["adherent_minutes"], t["scheduled_minutes"]),
        "adherence",
    ),
    Metric(
        "conformance",
        _("Schedule conformance"),
        _("Minutes present divided by scheduled minutes; can exceed 100 %."),
        "percent",
        True,
        lambda t: _ratio(t["present_minutes"], t["scheduled_minutes"]),
        "adherence",
    ),
    Metric(
        "nps",
        _("Net Promoter Score"),
        _("Promoters (9-10) minus detractors (0-6), as a share of NPS answers, from -100 to 100."),
        "score",
        True,
        _nps,
        "responses",
    ),
    Metric(
        "csat",
        _("Customer satisfaction"),
        _("Average satisfaction, every scale rescaled to 1-5."),
        "score",
        True,
        lambda t: _ratio(t["csat_sum"], t["csat_count"], 1),
        "responses",
    ),
    Metric(
        "ces",
        _("Customer effort"),
        _("Average effort score from 1 to 7 (higher means easier)."),
        "score",
        True,
        lambda t: _ratio(t["ces_sum"], t["ces_count"], 1),
        "responses",
    ),
    Metric(
        "response_rate",
        _("Survey response rate"),
        _("Survey answers received divided by survey invitations sent."),
        "percent",
        True,
        lambda t: _ratio(t["invitations_responded"], t["invitations_sent"]),
        "responses",
    ),
    Metric(
        "commendations",
        _("Commendations"),
        _("Customers' praise of the agent or team."),
        "count",
        True,
        lambda t: t["commendations"],
        "responses",
    ),
    Metric(
        "complaints",
        _("Complaints"),
        _("Follow-up cases opened for a complaint."),
        "count",
        False,
        lambda t: t["complaints"],
        "followups",
    ),
    Metric(
        "followup_time_to_close",
        _("Follow-up time to close"),
        _("Average hours from opening a follow-up case to closing it."),
        "hours",
        False,
        lambda t: _ratio(t["followup_close_seconds"], t["followups_closed"], 1 / 3600),
        "followups",
    ),
    Metric(
        "internal_csat",
        _("Internal CSAT"),
        _(
            "Average rating (1-5) colleagues gave the internal requests resolved in the period, "
            "as the providing team."
        ),
        "score",
        True,
        lambda t: _ratio(t["internal_rating_sum"], t["internal_rated"], 1),
        "internal_requests",
    ),
    Metric(
        "internal_on_time",
        _("Internal requests within turnaround"),
        _(
            "Share of internal requests resolved within their request type's expected "
            "turnaround (business hours, waits on the requester excluded)."
        ),
        "percent",
        True,
        lambda t: _ratio(t["internal_on_time"], t["internal_resolved"]),
        "internal_requests",
    ),
)
CATALOGUE: dict[str, Metric] = {m.key: m for m in METRICS}
# The metrics that read the workforce schedule, so a reader can skip the adherence query otherwise.
ADHERENCE_METRICS = frozenset({"productivity", "adherence", "conformance"})


def volume_of(metric: Metric, totals: Totals) -> float:
    """What a metric's figure rests on: survey answers for customer metrics, else interactions."""
    return totals["responses"] if metric.drill == "responses" else totals["interactions"]


def format_value(metric: Metric, value: float | None) -> str:
    """A figure as people read it (numbers are localised by the template where it matters)."""
    if value is None:
        return "-"
    if metric.unit == "percent":
        return f"{value:.1f} %"
    if metric.unit == "seconds":
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes}:{seconds:02d}"
    if metric.unit == "count":
        return f"{value:,.0f}"
    if metric.unit == "hours":
        return f"{value:.1f} h"
    if metric.unit == "per_hour":
        return f"{value:.2f}"
    return f"{value:.1f}" if metric.key == "nps" else f"{value:.2f}"
