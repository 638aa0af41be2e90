"""Recognition: commendations from customer praise, kudos in every direction, points and rewards.

Points are a ledger (PointsEntry rows); a balance is always a sum, never a stored counter.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from everyweek.core.crypto import EncryptedURLField
from everyweek.people.models import PartnerOrganisation, Team


class RecognitionSettings(models.Model):
    """One row of organisation-wide settings (load() creates it)."""

    alert_skip_leader = models.BooleanField(
        _("also alert the leader's leader"),
        default=True,
        help_text=_("Praise for an agent also reaches the agent's leader's own leader."),
    )
    monthly_allowance = models.PositiveIntegerField(
        _("points each person may give per month"), default=100
    )
    max_points_per_kudos = models.PositiveIntegerField(_("most points in one kudos"), default=50)
    # An incoming-webhook URL is itself the credential to post: stored encrypted (core/crypto.py).
    slack_webhook_url = EncryptedURLField(_("Slack incoming webhook"), max_length=1000, blank=True)
    teams_webhook_url = EncryptedURLField(
        _("Microsoft Teams incoming webhook"), max_length=1000, blank=True
    )
    post_public_kudos = models.BooleanField(_("post public kudos to the webhooks"), default=False)

    class Meta:
        verbose_name = _("recognition settings")
        verbose_name_plural = _("recognition settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> RecognitionSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class CompanyValue(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company value")
        verbose_name_plural = _("company values")

    def __str__(self) -> str:
        return self.name


class CommendationSource(models.TextChoices):
    SURVEY = "survey", _("Survey comment")
    MESSAGE = "message", _("Forwarded message")
    IMPORT = "import", _("Imported from the helpdesk")


class Commendation(models.Model):
    """Unprompted customer praise for an agent, waiting for the leader's thanks."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="commendations",
    )
    response = models.OneToOneField(
        "feedback.SurveyResponse",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commendation",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=CommendationSource.choices, default="survey"
    )
    quote = models.TextField(_("customer's words"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    detected_at = models.DateTimeField(_("detected"), db_index=True)
    thanked_at = models.DateTimeField(_("thanked"), null=True, blank=True)
    thanked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="thanks_given",
    )
    thank_note = models.TextField(_("personal note"), blank=True)
    on_wall = models.BooleanField(_("on the wall"), default=False)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        indexes = [models.Index(fields=["agent", "thanked_at"])]

    def __str__(self) -> str:
        return f"{self.agent}: {self.quote[:60]}"


class Notification(models.Model):
    """An in-app alert; every email this app sends has one too."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recognition_notifications"
    )
    kind = models.CharField(max_length=30)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text


class DigestRun(models.Model):
    """One praise digest per leader per day: makes the daily command idempotent."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    day = models.DateField()
    commendations = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["leader", "day"], name="recognition_digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.leader} {self.day}"


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone (the wall)")
    TEAM = "team", _("The team")
    PRIVATE = "private", _("Only the recipient and their leaders")


class Kudos(models.Model):
    """A thank-you to a person, a team or a partner, from a colleague or a customer."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kudos_given",
    )
    # A customer on the public page has no account: their name as they typed it.
    customer_name = models.CharField(_("customer's name"), max_length=120, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kudos_received",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kudos",
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner or supplier"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kudos",
    )
    message = models.TextField(_("message"), max_length=2000)
    values = models.ManyToManyField(CompanyValue, verbose_name=_("values"), blank=True)
    points = models.PositiveIntegerField(_("points"), default=0)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(_("given"), db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(recipient__isnull=False, team__isnull=True, partner__isnull=True)
                    | Q(recipient__isnull=True, team__isnull=False, partner__isnull=True)
                    | Q(recipient__isnull=True, team__isnull=True, partner__isnull=False)
                ),
                name="recognition_kudos_one_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(author=models.F("recipient")), name="recognition_kudos_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author or self.customer_name} → {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        return str(self.recipient or self.team or self.partner)

    @property
    def from_label(self) -> str:
        return str(self.author) if self.author else self.customer_name


class Reaction(models.Model):
    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    emoji = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kudos", "person", "emoji"], name="recognition_reaction_once"
            )
        ]

    def __str__(self) -> str:
        return self.emoji


class Comment(models.Model):
    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    text = models.TextField(_("comment"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class PointsLock(models.Model):
    """One row per person, locked (SELECT … FOR UPDATE) around any change to their points."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_lock"
    )

    def __str__(self) -> str:
        return str(self.person)


class PointsAccount(models.TextChoices):
    GIVING = "giving", _("To give")
    EARNED = "earned", _("Earned")


class PointsKind(models.TextChoices):
    ALLOWANCE = "allowance", _("Monthly allowance")
    BOOST = "boost", _("Manager boost")
    GIVEN = "given", _("Given")
    RECEIVED = "received", _("Received")
    REDEEMED = "redeemed", _("Redeemed")
    REFUND = "refund", _("Refund")
    RETURNED = "returned", _("Returned (kudos withdrawn)")


class PointsEntry(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries"
    )
    account = models.CharField(max_length=10, choices=PointsAccount.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=PointsKind.choices)
    amount = models.IntegerField(_("points"))
    kudos = models.ForeignKey(Kudos, null=True, blank=True, on_delete=models.SET_NULL)
    redemption = models.ForeignKey("Redemption", null=True, blank=True, on_delete=models.SET_NULL)
    # "2026-11" for allowances, so each month's allowance is granted once.
    period = models.CharField(max_length=7, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [models.Index(fields=["person", "account"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "period"],
                condition=Q(kind="allowance"),
                name="recognition_allowance_once_a_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.amount:+d} {self.kind}"


class Reward(models.Model):
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    cost = models.PositiveIntegerField(_("points"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["cost", "name"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")

    def __str__(self) -> str:
        return self.name


class RedemptionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    FULFILLED = "fulfilled", _("Fulfilled")
    REJECTED = "rejected", _("Rejected")


class Redemption(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions"
    )
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    cost = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RedemptionStatus.choices,
        default=RedemptionStatus.REQUESTED,
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")

    def __str__(self) -> str:
        return f"{self.person}: {self.reward}"


# --- Awards ------------------------------------------------------------------------------


class AwardProgramme(models.Model):
    """E.g. "Red Carpet Awards": nominations in a window, a judging panel, published results."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    nominations_open = models.DateTimeField(_("nominations open"))
    nominations_close = models.DateTimeField(_("nominations close"))
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("judges"), related_name="judged_awards"
    )
    winners = models.PositiveSmallIntegerField(_("number of winners"), default=1)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-nominations_open"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return self.name


class Nomination(models.Model):
    programme = models.ForeignKey(
        AwardProgramme, on_delete=models.CASCADE, related_name="nominations"
    )
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominee"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nominations_made"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the results are published: 1 is the winner.
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    average_score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "nominee", "nominated_by"], name="recognition_nominate_once"
            ),
            models.CheckConstraint(
                condition=~Q(nominee=models.F("nominated_by")),
                name="recognition_no_self_nomination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominee} ({self.programme})"


class Score(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "judge"], name="recognition_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="recognition_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return str(self.score)


# --- Raffles -----------------------------------------------------------------------------


class Raffle(models.Model):
    """A drawing anyone can verify: sha256(seed) is published before the draw, the seed after."""

    name = models.CharField(_("name"), max_length=120)
    prize = models.CharField(_("prize"), max_length=200)
    tickets_per_kudos = models.PositiveSmallIntegerField(
        _("tickets for each kudos given"), default=1
    )
    winners_count = models.PositiveSmallIntegerField(_("number of winners"), default=1)
    commitment = models.CharField(_("commitment (sha256 of the seed)"), max_length=64)
    seed = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    winners = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("raffle")
        verbose_name_plural = _("raffles")

    def __str__(self) -> str:
        return self.name

    @property
    def revealed_seed(self) -> str:
        return self.seed if self.drawn_at else ""


class RaffleTicket(models.Model):
    raffle = models.ForeignKey(Raffle, on_delete=models.CASCADE, related_name="tickets")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reason = models.CharField(_("reason"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.person}"


# --- Goals and badges --------------------------------------------------------------------


def metric_choices() -> list[tuple[str, Any]]:
    """The scorecard metrics catalogue, as choices (a callable: migrations need no copy)."""
    from everyweek.scorecards.metrics import METRICS

    return [(m.key, m.label) for m in METRICS]


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class TeamGoal(models.Model):
    """A team stretch goal with a leader's dare for when it is reached.

    Either counted by hand (`target`, `progress`) or on a scorecard metric (`metric`,
    `metric_target`) over `starts_on`..`due`, measured from the rollups.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=160)
    target = models.PositiveIntegerField(_("target"))
    progress = models.PositiveIntegerField(_("progress"), default=0)
    dare = models.CharField(_("the leader's dare"), max_length=300, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reached_at = models.DateTimeField(_("reached"), null=True, blank=True)
    metric = models.CharField(
        _("scorecard metric"), max_length=40, blank=True, choices=metric_choices
    )
    metric_target = models.FloatField(_("metric target"), null=True, blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    # The latest measurement (the scheduled check writes it); pages measure live.
    metric_value = models.FloatField(_("measured value"), null=True, blank=True)
    measured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reached_at", "due", "pk"]
        verbose_name = _("team goal")
        verbose_name_plural = _("team goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(metric="")
                | Q(
                    metric_target__isnull=False,
                    starts_on__isnull=False,
                    due__isnull=False,
                    due__gte=models.F("starts_on"),
                ),
                name="recognition_metric_goal_has_window",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def metric_info(self) -> Any:
        from everyweek.scorecards.metrics import CATALOGUE

        return CATALOGUE.get(self.metric) if self.metric else None

    @property
    def percent(self) -> int:
        metric = self.metric_info
        if metric is None:
            return min(100, round(100 * self.progress / self.target)) if self.target else 0
        value, target = self.metric_value, self.metric_target
        if value is None or target is None:
            return 0
        if metric.higher_is_better:
            share = value / target if target > 0 else (1.0 if value >= target else 0.0)
        else:
            share = target / value if value > 0 else 1.0
        return max(0, min(100, round(100 * share)))

    @property
    def value_display(self) -> str:
        from everyweek.scorecards.metrics import format_value

        metric = self.metric_info
        return format_value(metric, self.metric_value) if metric else str(self.progress)

    @property
    def target_display(self) -> str:
        from everyweek.scorecards.metrics import format_value

        metric = self.metric_info
        return format_value(metric, self.metric_target) if metric else str(self.target)


class Badge(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    emoji = models.CharField(_("symbol"), max_length=8, default="🏅")
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")

    def __str__(self) -> str:
        return f"{self.emoji} {self.name}"


class BadgeAward(models.Model):
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-awarded_at"]

    def __str__(self) -> str:
        return f"{self.badge} → {self.person}"


class MilestoneReminder(models.Model):
    """A service anniversary reminder sent to a leader: once per person and year."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="recognition_milestone_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}"


# --- Top performers ----------------------------------------------------------------------


class TopPerformerRule(models.Model):
    """Who tops a scorecard metric each closed period, on a par with sales leaderboards.

    The best `top_n` agents (and/or everyone beyond `threshold`) among those with at least
    `min_volume` interactions (survey answers, for customer metrics) in the period.
    """

    name = models.CharField(_("name"), max_length=120)
    metric = models.CharField(_("scorecard metric"), max_length=40, choices=metric_choices)
    period = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    top_n = models.PositiveSmallIntegerField(
        _("how many"), null=True, blank=True, default=3, help_text=_("Empty: no limit.")
    )
    threshold = models.FloatField(
        _("threshold"),
        null=True,
        blank=True,
        help_text=_("Only agents at or beyond this value (below it, where lower is better)."),
    )
    min_volume = models.PositiveIntegerField(_("minimum volume"), default=20)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="top_performer_rules",
        help_text=_("Empty: every service team of the organisation."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("top-performer rule")
        verbose_name_plural = _("top-performer rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(top_n__isnull=False) | Q(threshold__isnull=False),
                name="recognition_rule_picks_someone",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TopPerformerResult(models.Model):
    """One place of a rule in one closed period, kept so it can be thanked and looked back on."""

    rule = models.ForeignKey(TopPerformerRule, on_delete=models.CASCADE, related_name="results")
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive, as scorecard periods
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="top_performer_results"
    )
    rank = models.PositiveSmallIntegerField()
    value = models.FloatField()
    volume = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    kudos = models.ForeignKey(
        Kudos, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "rule", "rank"]
        verbose_name = _("top performer")
        verbose_name_plural = _("top performers")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "period_start", "person"], name="recognition_top_once_a_period"
            )
        ]
        indexes = [models.Index(fields=["period_start"])]

    def __str__(self) -> str:
        return f"{self.rule} #{self.rank} {self.person}"
