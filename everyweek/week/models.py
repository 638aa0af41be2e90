"""Customer Service Week: one celebration a year, its programme, and what carries on afterwards.

Times are stored in UTC and shown in the viewer's zone; days of the week are plain dates.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


class DateRule(models.TextChoices):
    FIRST_FULL_WEEK = "first_full_week", _("First full week of the month")
    FIXED = "fixed", _("Fixed dates")


class Celebration(models.Model):
    year = models.PositiveIntegerField(_("year"), unique=True)
    rule = models.CharField(
        _("date rule"), max_length=20, choices=DateRule.choices, default=DateRule.FIRST_FULL_WEEK
    )
    # The first full week of `rule_month` starting on `week_starts_on` (0 = Monday, 6 = Sunday),
    # `working_days` long: Monday to Friday in October by default, Sunday to Thursday elsewhere.
    rule_month = models.PositiveSmallIntegerField(
        _("month"), default=10, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    week_starts_on = models.PositiveSmallIntegerField(
        _("week starts on"), default=0, validators=[MaxValueValidator(6)]
    )
    working_days = models.PositiveSmallIntegerField(
        _("days"), default=5, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    fixed_start = models.DateField(_("fixed start"), null=True, blank=True)
    fixed_end = models.DateField(_("fixed end"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("organisers"), related_name="+", blank=True
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The secret in the customers' link to the thank-you wall; empty while the wall is closed
    # to customers. Making a new one cuts off the old link.
    wall_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Customer Service Week {self.year}"


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    SERVICE = "service", _("Service team")
    LEADERS = "leaders", _("Leaders")


class Event(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    idea_key = models.CharField(max_length=40, blank=True)
    uid = models.CharField(max_length=40, unique=True, default=new_token)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["celebration", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Someone said they will come: they get a reminder and the event in their feed."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="week_attend_once")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.event_id}"


class CalendarFeed(models.Model):
    """The secret in a personal calendar address; rotating it cuts off old subscriptions."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="week_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)

    def __str__(self) -> str:
        return f"feed of {self.person_id}"


class Reminder(models.Model):
    """One row per reminder sent, so re-running the job never sends twice."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="week_remind_once")]

    def __str__(self) -> str:
        return f"reminder {self.event_id} → {self.person_id}"


class SignupSheet(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="sheets")
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    policy = models.TextField(_("contribution policy"), blank=True)

    def __str__(self) -> str:
        return self.title


class SignupSlot(models.Model):
    sheet = models.ForeignKey(SignupSheet, on_delete=models.CASCADE, related_name="slots")
    label = models.CharField(_("label"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), default=1)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.label or self.starts_at.isoformat()


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waiting list")


class Signup(models.Model):
    slot = models.ForeignKey(SignupSlot, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=SignupStatus.choices)
    contribution = models.CharField(_("what you bring"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["slot", "person"], name="week_signup_once")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.slot_id} ({self.status})"


class ContestKind(models.TextChoices):
    COSTUME = "costume", _("Costume")
    ESSAY = "essay", _("Essay")
    OTHER = "other", _("Other")


class EntrantKind(models.TextChoices):
    PERSON = "person", _("Person")
    TEAM = "team", _("Team")


class Contest(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="contests")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ContestKind.choices)
    entrant = models.CharField(
        _("entries by"), max_length=10, choices=EntrantKind.choices, default=EntrantKind.PERSON
    )
    brief = models.TextField(_("brief"), blank=True)
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("judges"), related_name="+", blank=True
    )
    is_open = models.BooleanField(_("open for entries"), default=True)

    def __str__(self) -> str:
        return self.title


class Entry(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Score(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveSmallIntegerField(
        _("points"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "judge"], name="week_score_once")]

    def __str__(self) -> str:
        return f"{self.judge_id}: {self.points}"


class BacklogStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class BacklogItem(models.Model):
    """An improvement drawn from an essay; it outlives the week."""

    celebration = models.ForeignKey(
        Celebration, on_delete=models.SET_NULL, null=True, related_name="backlog"
    )
    source_entry = models.ForeignKey(Entry, on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=BacklogStatus.choices, default=BacklogStatus.IDEA
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class DaySponsor(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="sponsors")
    day = models.DateField(_("day"))
    department = models.ForeignKey(
        "people.Department", verbose_name=_("department"), on_delete=models.CASCADE
    )
    message = models.TextField(_("how the service team helps us"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["celebration", "day"], name="week_one_sponsor_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} on {self.day}"


class CoverageSlot(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="coverage")
    queue = models.CharField(_("queue"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    needed = models.PositiveIntegerField(_("people needed"), default=1)
    covers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["starts_at", "queue"]

    def __str__(self) -> str:
        return f"{self.queue} {self.starts_at.isoformat()}"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class CustomerNotice(models.Model):
    """The email telling customers that service may be slower while the team steps out.

    The texts come from `notices.py` in each customer's language and zone; a delivery row per
    customer means sending again only reaches customers who did not have it yet.
    """

    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="notices")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    contacted_within_days = models.PositiveSmallIntegerField(
        _("customers contacted in the last (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"notice {self.starts_at.isoformat()} to {self.ends_at.isoformat()}"


class NoticeDelivery(models.Model):
    notice = models.ForeignKey(CustomerNotice, on_delete=models.CASCADE, related_name="deliveries")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10)
    email = models.ForeignKey(
        "notifications.OutboundEmail", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "customer"], name="week_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.customer_id}"


class ServiceTip(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="tips")
    day = models.DateField(_("day"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("tip"))
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "pk"]

    def __str__(self) -> str:
        return self.title


class MessageSource(models.TextChoices):
    LEADER = "leader", _("Leader")
    CUSTOMER = "customer", _("Customer")
    COLLEAGUE = "colleague", _("Colleague")


class MediaKind(models.TextChoices):
    TEXT = "text", _("Text")
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")


class Moderation(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ThankYou(models.Model):
    """A message on the wall. Customers' own posts wait for an organiser's approval."""

    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="thanks")
    source = models.CharField(_("from"), max_length=12, choices=MessageSource.choices)
    author_name = models.CharField(_("name"), max_length=150)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("message"), blank=True)
    media = models.FileField(_("image or video"), upload_to="week/thanks/", blank=True)
    media_kind = models.CharField(max_length=8, choices=MediaKind.choices, default=MediaKind.TEXT)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=Moderation.choices,
        default=Moderation.APPROVED,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"


class SurpriseKind(models.TextChoices):
    EVERY_NTH = "every_nth", _("Every n-th customer served during the week")
    EVERYONE_THIS_YEAR = "year", _("Every customer contacted this year")


class SurpriseRule(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="surprises")
    kind = models.CharField(_("rule"), max_length=12, choices=SurpriseKind.choices)
    every = models.PositiveIntegerField(_("every n-th"), default=5)
    gift = models.CharField(_("gift"), max_length=120)

    def __str__(self) -> str:
        return self.gift


class Fulfilment(models.Model):
    rule = models.ForeignKey(SurpriseRule, on_delete=models.CASCADE, related_name="fulfilments")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE)
    interaction = models.ForeignKey(
        "feedback.Interaction", on_delete=models.SET_NULL, null=True, blank=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "customer"], name="week_one_gift_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} → {self.customer_id}"


class ShirtSwap(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="swaps")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE
    )
    shirts_received = models.PositiveIntegerField(_("shirts received"), default=0)
    shirts_sent = models.PositiveIntegerField(_("shirts sent"), default=0)
    photo_sent = models.BooleanField(_("photo sent"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["celebration", "customer"], name="week_one_swap")
        ]

    def __str__(self) -> str:
        return f"swap with {self.customer_id}"


class HuntItem(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="hunt")
    label = models.CharField(_("label"), max_length=120)
    hint = models.CharField(_("hiding place"), max_length=200, blank=True)
    tickets = models.PositiveSmallIntegerField(_("raffle tickets"), default=1)
    code = models.CharField(max_length=64, unique=True, default=new_token)

    def __str__(self) -> str:
        return self.label


class HuntFind(models.Model):
    item = models.ForeignKey(HuntItem, on_delete=models.CASCADE, related_name="finds")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tickets = models.PositiveSmallIntegerField(default=0)
    # True once the recognition raffle has been credited (False when no raffle was open).
    credited = models.BooleanField(default=False)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="week_find_once")]

    def __str__(self) -> str:
        return f"{self.person_id} found {self.item_id}"


class RetroKind(models.TextChoices):
    WENT_WELL = "went_well", _("Went well")
    IMPROVE = "improve", _("Improve next year")


class RetroNote(models.Model):
    celebration = models.ForeignKey(Celebration, on_delete=models.CASCADE, related_name="retro")
    kind = models.CharField(_("kind"), max_length=10, choices=RetroKind.choices)
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
