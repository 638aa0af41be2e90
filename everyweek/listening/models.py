"""Skip-level listening: leaders meet frontline people regularly and act on what they hear.

A leader keeps a cadence (`ListeningCadence`), schedules sessions with people two or more
levels below them (`ListeningSession`, `SessionParticipant`), writes notes, and turns the
impediments raised into tracked `ActionItem`s. Before a session, invitees may drop questions
into an anonymous box (`AnonymousQuestion`), which by design stores no link to its author.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListeningCadence(models.Model):
    """How often a leader means to hold a skip-level session, and with how many people."""

    leader = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.CASCADE,
        related_name="listening_cadence",
    )
    every_weeks = models.PositiveSmallIntegerField(
        _("every (weeks)"), default=4, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    group_size = models.PositiveSmallIntegerField(
        _("people per session"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    min_levels_below = models.PositiveSmallIntegerField(
        _("at least this many levels below"),
        default=2,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("2 skips one level: the people who report to your direct reports."),
    )
    # The cadence is measured from here, so a leader is not behind for weeks before they began.
    started_on = models.DateField(_("since"))
    # The reminder task writes here so it nudges a leader at most once a week.
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        verbose_name = _("listening cadence")
        verbose_name_plural = _("listening cadences")

    def __str__(self) -> str:
        return f"{self.leader}: {self.every_weeks}"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ListeningSession(models.Model):
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.CASCADE,
        related_name="listening_sessions_led",
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=45, validators=[MinValueValidator(10)]
    )
    location = models.CharField(_("where"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SessionStatus.choices,
        default=SessionStatus.PLANNED,
        db_index=True,
    )
    notes = models.TextField(_("notes"), blank=True)
    questions_open = models.BooleanField(
        _("anonymous question box"),
        default=True,
        help_text=_("Invitees may send questions before the session without giving their name."),
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    # Stable across updates so calendars replace the event instead of adding a second one.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("listening session")
        verbose_name_plural = _("listening sessions")
        indexes = [models.Index(fields=["leader", "status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.leader} {self.starts_at:%Y-%m-%d %H:%M}"


class SessionParticipant(models.Model):
    session = models.ForeignKey(
        ListeningSession, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="listening_participations",
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="listening_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.session_id}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Closed without change")


CLOSED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.DECLINED)


class ActionItem(models.Model):
    """An impediment raised in a session, with someone who owns removing it."""

    session = models.ForeignKey(
        ListeningSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    title = models.CharField(_("impediment"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    raised_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        related_name="listening_actions_raised",
        blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="listening_actions_owned",
    )
    due_on = models.DateField(_("due"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ActionStatus.choices,
        default=ActionStatus.OPEN,
        db_index=True,
    )
    resolution = models.TextField(_("what was done"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_ACTION_STATUSES


class AnonymousQuestion(models.Model):
    """A question sent before a session. There is deliberately NO author field, and the day
    (not the minute) is all that is kept of when it came, so it cannot be matched to a visit."""

    session = models.ForeignKey(
        ListeningSession, on_delete=models.CASCADE, related_name="questions"
    )
    text = models.TextField(_("question"), max_length=2000)
    asked_on = models.DateField(_("asked on"))
    answer = models.TextField(_("answer"), blank=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("anonymous question")
        verbose_name_plural = _("anonymous questions")

    def __str__(self) -> str:
        return self.text[:60]
