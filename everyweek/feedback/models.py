"""Interactions, surveys, responses, service standards and the closed loop.

Scores are stored as the customer gave them (nps 0-10, csat 1..scale, ces 1-7); derived
judgements (detractor, satisfied) are properties so one rule serves every page and rollup.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from everyweek.customers.models import Customer
from everyweek.people.models import Team, validate_time_zone


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    WEB = "web", _("Web form")
    SOCIAL = "social", _("Social media")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class InteractionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Waiting on the customer")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class CreditRule(models.TextChoices):
    ASSIGNEE_AT_SOLVE = "assignee", _("The assignee when the interaction was solved")
    ALL_REPLIERS = "repliers", _("Every agent who replied, weighted by their replies")


class FeedbackSettings(models.Model):
    """Organisation-wide feedback settings: one row (pk=1), edited by admins."""

    credit_rule = models.CharField(
        _("who is credited"),
        max_length=20,
        choices=CreditRule.choices,
        default=CreditRule.ASSIGNEE_AT_SOLVE,
    )
    agents_see_detractor_comments = models.BooleanField(
        _("agents see the comments of unhappy customers"), default=True
    )
    nps_detractor_max = models.PositiveSmallIntegerField(_("NPS detractor up to"), default=6)
    csat_unhappy_max = models.PositiveSmallIntegerField(_("CSAT unhappy up to (on 1-5)"), default=2)
    follow_up_due_hours = models.PositiveIntegerField(_("follow-up due within (hours)"), default=48)

    class Meta:
        verbose_name = _("feedback settings")
        verbose_name_plural = _("feedback settings")

    def __str__(self) -> str:
        return str(_("Feedback settings"))

    @classmethod
    def load(cls) -> FeedbackSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Interaction(models.Model):
    """One service contact (ticket, call, chat, email, visit), from a helpdesk or entered by hand."""

    source = models.CharField(_("source system"), max_length=30, default="everyweek")
    external_id = models.CharField(_("external id"), max_length=100)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("credited agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InteractionStatus.choices,
        default=InteractionStatus.OPEN,
    )
    created_at = models.DateTimeField(_("created"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    handle_time_seconds = models.PositiveIntegerField(
        _("handle time (seconds)"), null=True, blank=True
    )
    # Time spent waiting on the customer, excluded from standards that pause on pending.
    pending_seconds = models.PositiveIntegerField(
        _("time waiting on the customer (seconds)"), default=0
    )
    reopen_count = models.PositiveSmallIntegerField(_("reopens"), default=0)
    reply_count = models.PositiveSmallIntegerField(_("agent replies"), default=0)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="interaction_unique_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["agent", "created_at"]),
            models.Index(fields=["team", "created_at"]),
            models.Index(fields=["resolved_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class InteractionCredit(models.Model):
    """Who shares the credit for an interaction, and how much (weights of one interaction sum to 1)."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credits"
    )
    weight = models.FloatField(_("weight"), default=1.0)
    replies = models.PositiveSmallIntegerField(_("replies"), default=0)

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [
            models.UniqueConstraint(fields=["interaction", "person"], name="credit_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} x {self.weight:.2f}"


class Survey(models.Model):
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(_("default survey"), default=False)
    channels = models.JSONField(
        _("channels"), default=list, blank=True, help_text=_("Empty means every channel.")
    )
    ask_nps = models.BooleanField(_("ask NPS (0-10)"), default=True)
    ask_csat = models.BooleanField(_("ask CSAT"), default=True)
    csat_scale = models.PositiveSmallIntegerField(
        _("CSAT scale"), default=5, choices=[(2, "1-2"), (3, "1-3"), (5, "1-5"), (7, "1-7")]
    )
    ask_ces = models.BooleanField(_("ask customer effort (1-7)"), default=False)
    ask_comment = models.BooleanField(_("ask for a comment"), default=True)
    reason_codes = models.JSONField(
        _("reason codes for a low score"),
        default=list,
        blank=True,
        help_text=_(
            "Short codes, e.g. waiting_time, politeness, knowledge; labels are translated per language."
        ),
    )
    send_delay_minutes = models.PositiveIntegerField(
        _("send after resolution (minutes)"), default=60
    )
    suppression_days = models.PositiveIntegerField(
        _("ask a customer at most once every (days)"), default=30
    )
    reminders_enabled = models.BooleanField(_("send one reminder"), default=False)
    reminder_after_hours = models.PositiveIntegerField(_("reminder after (hours)"), default=72)
    link_valid_days = models.PositiveIntegerField(_("link valid for (days)"), default=30)
    show_agent = models.BooleanField(_("show the agent's name and photo"), default=True)
    # A recovery survey is sent by a leader after following up with an unhappy customer; its
    # answers are reported on the follow-up case and never open another one.
    is_recovery = models.BooleanField(
        _("recovery survey"),
        default=False,
        help_text=_("Sent after a follow-up to ask whether the customer feels better now."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.name


class SurveyText(models.Model):
    """The survey's wording in one language; admins type these, so they are content, not gettext."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10)
    intro = models.TextField(_("introduction"), blank=True)
    nps_question = models.CharField(_("NPS question"), max_length=300, blank=True)
    csat_question = models.CharField(_("CSAT question"), max_length=300, blank=True)
    ces_question = models.CharField(_("effort question"), max_length=300, blank=True)
    comment_question = models.CharField(_("comment question"), max_length=300, blank=True)
    thank_you = models.TextField(_("thank-you message"), blank=True)
    reason_labels = models.JSONField(_("reason labels"), default=dict, blank=True)

    class Meta:
        verbose_name = _("survey text")
        verbose_name_plural = _("survey texts")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "language"], name="survey_text_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} [{self.language}]"


class InvitationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    SUPPRESSED = "suppressed", _("Suppressed")
    RESPONDED = "responded", _("Responded")
    EXPIRED = "expired", _("Expired")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    # A link handed to a helpdesk to embed, or for a customer without an email address.
    LINK = "link", _("Link only, not emailed")


class SurveyInvitation(models.Model):
    """One interaction's survey link. The link carries a signed token naming this row and its nonce."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )
    nonce = models.CharField(max_length=32, unique=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InvitationStatus.choices,
        default=InvitationStatus.SCHEDULED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "survey"], name="invitation_unique_per_interaction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.interaction} → {self.customer}"


class SurveyResponse(models.Model):
    """A customer's answer, from our own survey page or imported from another tool.

    (source, external_id) is unique, so a re-import or a repeated webhook updates the same row;
    answers on our own page update the response of their invitation.
    """

    source = models.CharField(_("source"), max_length=30, default="everyweek")
    external_id = models.CharField(_("external id"), max_length=100)
    invitation = models.OneToOneField(
        SurveyInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    survey = models.ForeignKey(
        Survey, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("credited agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
        db_index=False,  # (agent, submitted_at) below serves every look-up by agent
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
        db_index=False,  # (team, submitted_at) below serves every look-up by team
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    nps = models.PositiveSmallIntegerField(_("NPS score"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(_("CSAT score"), null=True, blank=True)
    csat_scale = models.PositiveSmallIntegerField(_("CSAT scale"), default=5)
    ces = models.PositiveSmallIntegerField(_("effort score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    reason_codes = models.JSONField(_("reasons"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="response_unique_per_source"
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "submitted_at"]),
            models.Index(fields=["team", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"

    @property
    def csat_on_five(self) -> float | None:
        """CSAT rescaled to 1-5 so scales of 2, 3, 5 and 7 points compare."""
        if self.csat is None or self.csat_scale < 2:
            return None
        return 1 + (self.csat - 1) * 4 / (self.csat_scale - 1)


class ServiceStandardMetric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response time")
    RESOLUTION = "resolution", _("Resolution time")


class BusinessCalendar(models.Model):
    """Opening hours in a time zone, with holidays: the clock service standards run on."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    # {"0": [["09:00", "17:00"]], ...} with 0 = Monday; a missing day is closed.
    weekly_hours = models.JSONField(_("opening hours"), default=dict)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ServiceStandard(models.Model):
    """A promise such as "first response within 1 business hour for email"."""

    name = models.CharField(_("name"), max_length=160)
    metric = models.CharField(_("metric"), max_length=20, choices=ServiceStandardMetric.choices)
    threshold_minutes = models.PositiveIntegerField(_("within (minutes)"))
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business hours"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty means the clock runs around the clock."),
    )
    pause_while_pending = models.BooleanField(
        _("pause while waiting on the customer"), default=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    # xgettext:no-python-format
    target_percent = models.PositiveSmallIntegerField(_("target (% of interactions)"), default=90)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")

    def __str__(self) -> str:
        return self.name


class StandardResult(models.Model):
    """Whether one interaction met one standard, computed when the interaction is stored or changed."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="standard_results"
    )
    standard = models.ForeignKey(ServiceStandard, on_delete=models.CASCADE, related_name="results")
    elapsed_minutes = models.FloatField(_("elapsed (minutes)"), null=True)
    met = models.BooleanField(
        _("met"), null=True, help_text=_("Empty while the clock is still running.")
    )

    class Meta:
        verbose_name = _("standard result")
        verbose_name_plural = _("standard results")
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "standard"], name="standard_result_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard_id}:{self.interaction_id}={self.met}"


class FollowUpReason(models.TextChoices):
    DETRACTOR = "detractor", _("NPS detractor")
    LOW_CSAT = "low_csat", _("Low satisfaction")
    COMPLAINT = "complaint", _("Complaint")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed without recovery")


class FollowUpCase(models.Model):
    """Closing the loop with an unhappy customer: an owner, a due date, notes and an outcome."""

    response = models.OneToOneField(
        SurveyResponse, on_delete=models.CASCADE, related_name="follow_up"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=FollowUpReason.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups_about",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups_owned",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.OPEN,
        db_index=True,
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    recovery_invitation = models.ForeignKey(
        SurveyInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"


class FollowUpNote(models.Model):
    case = models.ForeignKey(FollowUpCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    text = models.TextField(_("note"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:60]


class Unsubscribe(models.Model):
    """A customer address that asked for no more surveys."""

    email = models.EmailField(_("email address"), unique=True)
    created_at = models.DateTimeField(_("unsubscribed"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=30, default="everyweek")

    class Meta:
        verbose_name = _("unsubscribe")
        verbose_name_plural = _("unsubscribes")

    def __str__(self) -> str:
        return self.email
