"""Daily rollups, workforce inputs, other departments' key figures and scorecard definitions.

Rollups are counts and sums per agent (and team) and UTC day, so any period is a sum of days and
a page never scans raw interactions. Handle time is kept as a fixed histogram (one column per
bucket, see `HANDLE_TIME_EDGES`) so medians and percentiles also add up over days and SQL can
sum the buckets directly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

# The states every import goes through, shared with the integrations' file imports.
from everyweek.integrations.models import ImportStatus
from everyweek.people.models import Department, Team

# Upper edges (seconds) of the handle-time buckets; the last bucket is open-ended.
HANDLE_TIME_EDGES: tuple[int, ...] = (
    30, 60, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200,
)  # fmt: skip
HIST_FIELDS: tuple[str, ...] = tuple(f"h{i:02d}" for i in range(len(HANDLE_TIME_EDGES) + 1))

# Every additive column of a rollup row, in one place for the accumulator, rebuild and SQL sums.
SUM_FIELDS: tuple[str, ...] = (
    "interactions",
    "handle_count",
    "handle_seconds",
    "reopens",
    "reopened",
    "fr_met",
    "fr_evaluated",
    "res_met",
    "res_evaluated",
    "responses",
    "promoters",
    "passives",
    "detractors",
    "csat_sum",
    "csat_count",
    "ces_sum",
    "ces_count",
    "invitations_sent",
    "invitations_responded",
    "followups_opened",
    "followups_closed",
    "followup_close_seconds",
    "commendations",
    "complaints",
    *HIST_FIELDS,
)
FLOAT_FIELDS = frozenset({"csat_sum"})


class RollupFields(models.Model):
    day = models.DateField(_("day"))
    interactions = models.PositiveIntegerField(default=0)
    handle_count = models.PositiveIntegerField(default=0)
    handle_seconds = models.BigIntegerField(default=0)
    reopens = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    fr_met = models.PositiveIntegerField(default=0)
    fr_evaluated = models.PositiveIntegerField(default=0)
    res_met = models.PositiveIntegerField(default=0)
    res_evaluated = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(default=0)
    promoters = models.PositiveIntegerField(default=0)
    passives = models.PositiveIntegerField(default=0)
    detractors = models.PositiveIntegerField(default=0)
    # CSAT rescaled to 1-5 before summing, so 2-, 3-, 5- and 7-point scales add up.
    csat_sum = models.FloatField(default=0)
    csat_count = models.PositiveIntegerField(default=0)
    ces_sum = models.PositiveIntegerField(default=0)
    ces_count = models.PositiveIntegerField(default=0)
    invitations_sent = models.PositiveIntegerField(default=0)
    invitations_responded = models.PositiveIntegerField(default=0)
    followups_opened = models.PositiveIntegerField(default=0)
    followups_closed = models.PositiveIntegerField(default=0)
    followup_close_seconds = models.BigIntegerField(default=0)
    # Filled by the recognition app once it records commendations; complaints are follow-ups
    # opened for a complaint.
    commendations = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    h00 = models.PositiveIntegerField(default=0)
    h01 = models.PositiveIntegerField(default=0)
    h02 = models.PositiveIntegerField(default=0)
    h03 = models.PositiveIntegerField(default=0)
    h04 = models.PositiveIntegerField(default=0)
    h05 = models.PositiveIntegerField(default=0)
    h06 = models.PositiveIntegerField(default=0)
    h07 = models.PositiveIntegerField(default=0)
    h08 = models.PositiveIntegerField(default=0)
    h09 = models.PositiveIntegerField(default=0)
    h10 = models.PositiveIntegerField(default=0)
    h11 = models.PositiveIntegerField(default=0)
    h12 = models.PositiveIntegerField(default=0)
    h13 = models.PositiveIntegerField(default=0)
    h14 = models.PositiveIntegerField(default=0)
    h15 = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class AgentDay(RollupFields):
    """One agent's day on one team. The team is the one on the rows, not the person's current team.

    `agent` is empty for interactions nobody was credited with, so team totals stay complete.
    """

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rollup_days",
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="agent_rollup_days"
    )

    class Meta:
        verbose_name = _("agent day")
        verbose_name_plural = _("agent days")
        # One row per key; the bulk path upserts on it (NULLs folded to 0 so they match too).
        constraints = [
            models.UniqueConstraint(
                Coalesce("agent", Value(0)),
                Coalesce("team", Value(0)),
                F("day"),
                name="agentday_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["agent", "day"]),
            models.Index(fields=["team", "day"]),
            models.Index(fields=["day"]),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id}/{self.team_id} {self.day}"


class TeamDay(RollupFields):
    """The sum of a team's agent days (team empty: rows without a team)."""

    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="rollup_days"
    )

    class Meta:
        verbose_name = _("team day")
        verbose_name_plural = _("team days")
        constraints = [
            models.UniqueConstraint(Coalesce("team", Value(0)), F("day"), name="teamday_unique_key")
        ]
        indexes = [models.Index(fields=["team", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day}"


class DirtyDay(models.Model):
    """A rollup key to recompute, written in the same transaction as the change that caused it.

    A crash between commit and recomputation leaves the mark behind, and the next flush (or the
    periodic task) picks it up, so no change is ever lost.
    """

    agent_id_value = models.IntegerField(null=True)
    team_id_value = models.IntegerField(null=True)
    day = models.DateField()

    class Meta:
        verbose_name = _("rollup to recompute")
        verbose_name_plural = _("rollups to recompute")

    def __str__(self) -> str:
        return f"{self.agent_id_value}/{self.team_id_value} {self.day}"


class AdherenceSource(models.TextChoices):
    GENERIC = "generic", _("Generic CSV")
    NICE_IEX = "nice_iex", _("NICE IEX")
    GENESYS = "genesys", _("Genesys")
    MANUAL = "manual", _("Entered by hand")


class AdherenceDay(models.Model):
    """Minutes an agent was scheduled, adherent and present on one day (from workforce management)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="adherence_days",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adherence_days",
    )
    day = models.DateField(_("day"))
    scheduled_minutes = models.PositiveIntegerField(_("scheduled minutes"))
    adherent_minutes = models.PositiveIntegerField(_("adherent minutes"))
    present_minutes = models.PositiveIntegerField(_("present minutes"))
    source = models.CharField(
        _("source"), max_length=12, choices=AdherenceSource.choices, default=AdherenceSource.GENERIC
    )

    class Meta:
        ordering = ["-day"]
        verbose_name = _("adherence day")
        verbose_name_plural = _("adherence days")
        constraints = [
            models.UniqueConstraint(fields=["agent", "day"], name="adherence_unique_agent_day")
        ]
        indexes = [models.Index(fields=["team", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.day}"


class KeyFigure(models.Model):
    """A periodic figure of another department (bookings, revenue, leads...), e.g. per month."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="key_figures",
    )
    metric = models.CharField(_("figure"), max_length=80)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)

    class Meta:
        ordering = ["department", "metric", "-period_start"]
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "metric", "period_start", "period_end"],
                name="key_figure_unique_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period_start}…{self.period_end}"


class ScorecardDefinition(models.Model):
    """A set of metrics with weights (summing to 100) and goal bands."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_default = models.BooleanField(_("default scorecard"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return self.name


class ScorecardMetric(models.Model):
    """One line of a scorecard: the metric, its weight and the thresholds of its goal bands.

    For a metric where lower is better (handle time, reopen rate) the thresholds descend.
    """

    definition = models.ForeignKey(
        ScorecardDefinition, on_delete=models.CASCADE, related_name="metrics"
    )
    metric = models.CharField(_("metric"), max_length=40)
    weight = models.PositiveSmallIntegerField(_("weight"))
    meets = models.FloatField(_("meets from"))
    exceeds = models.FloatField(_("exceeds from"))
    outstanding = models.FloatField(_("outstanding from"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("scorecard metric")
        verbose_name_plural = _("scorecard metrics")
        constraints = [
            models.UniqueConstraint(fields=["definition", "metric"], name="scorecard_metric_once")
        ]

    def __str__(self) -> str:
        return f"{self.metric} ({self.weight})"


class ScorecardMailing(models.Model):
    """The weekly scorecard email a leader was sent, so the command is idempotent per week."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorecard_mailings"
    )
    week_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scorecard email")
        verbose_name_plural = _("scorecard emails")
        constraints = [
            models.UniqueConstraint(fields=["person", "week_start"], name="scorecard_mail_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.week_start}"


class InteractionImport(models.Model):
    """One uploaded interactions CSV and how far its bulk import got; the page polls it.

    The same shape as integrations' `ImportJob` (file kept in storage, status, counters a task
    updates per chunk, problems as rows) but its own table: this import has a free source name
    rather than an integration, and counts rows read, stored and skipped rather than added,
    updated and unchanged. Imports belong to the organisation: every administrator sees them.
    """

    source = models.CharField(_("source"), max_length=30)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    # The uploader's language: the worker writes the problems (stored as text) in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    # Bytes of the file consumed so far: the progress bar (the row count is unknown upfront).
    position = models.PositiveBigIntegerField(default=0)
    read = models.PositiveIntegerField(_("rows read"), default=0)
    stored = models.PositiveIntegerField(_("stored"), default=0)
    skipped = models.PositiveIntegerField(_("already there"), default=0)
    # Every problem is counted; the first bulk.MAX_ERRORS are kept as ImportProblem rows.
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("interaction import")
        verbose_name_plural = _("interaction imports")

    def __str__(self) -> str:
        return f"{self.source} {self.original_name}"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.size:
            return 0
        return min(99, int(self.position * 100 / self.size))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ImportProblem(models.Model):
    """One refused row of an interaction import: its line in the file and why."""

    job = models.ForeignKey(InteractionImport, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField(_("line"))
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["line", "id"]
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"
