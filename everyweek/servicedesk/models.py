"""The internal service desk: departments serve each other the way they serve customers.

A providing team publishes a `ServiceDesk` with its opening hours (a business calendar from
everyweek.feedback), notices about its availability, and `RequestType`s, each with the
turnaround a colleague may expect. An `InternalRequest` is acknowledged automatically on
arrival and by a person within the desk's acknowledgement standard; its timeline of
`RequestUpdate`s is what the requester sees; on close the requester rates it (internal CSAT).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from everyweek.people.models import Department, Team


class ServiceDesk(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="service_desks",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("providing team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_desks",
        help_text=_("Empty means the whole department answers requests."),
    )
    description = models.TextField(_("what we help with"), blank=True)
    calendar = models.ForeignKey(
        "feedback.BusinessCalendar",
        verbose_name=_("business hours"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty means the clock runs around the clock."),
    )
    schedule = models.TextField(
        _("our schedule"),
        blank=True,
        help_text=_("When you can reach us, e.g. planning days or cut-off times."),
    )
    acknowledge_within_minutes = models.PositiveIntegerField(
        _("a person acknowledges within (minutes)"),
        default=240,
        validators=[MinValueValidator(1)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service desk")
        verbose_name_plural = _("service desks")

    def __str__(self) -> str:
        return self.name


class DeskNotice(models.Model):
    """A published change to the usual schedule: "quarter close, urgent requests only"."""

    desk = models.ForeignKey(ServiceDesk, on_delete=models.CASCADE, related_name="notices")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    message = models.CharField(_("message"), max_length=300)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("schedule notice")
        verbose_name_plural = _("schedule notices")

    def __str__(self) -> str:
        return self.message


class RequestType(models.Model):
    desk = models.ForeignKey(
        ServiceDesk,
        verbose_name=_("service desk"),
        on_delete=models.CASCADE,
        related_name="request_types",
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("what to include"), blank=True)
    turnaround_minutes = models.PositiveIntegerField(
        _("expected turnaround (minutes)"),
        validators=[MinValueValidator(1)],
        help_text=_("Counted in the desk's business hours; waiting on the requester pauses it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["desk__name", "name"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")
        constraints = [
            models.UniqueConstraint(fields=["desk", "name"], name="request_type_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on you")
    RESOLVED = "resolved", _("Resolved")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (
    RequestStatus.NEW,
    RequestStatus.ACKNOWLEDGED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.WAITING,
)


class InternalRequest(models.Model):
    desk = models.ForeignKey(
        ServiceDesk,
        verbose_name=_("service desk"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    request_type = models.ForeignKey(
        RequestType,
        verbose_name=_("request type"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="internal_requests",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RequestStatus.choices,
        default=RequestStatus.NEW,
        db_index=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="internal_requests_handled",
    )
    created_at = models.DateTimeField(_("created"), db_index=True)
    auto_acknowledged_at = models.DateTimeField(_("automatic acknowledgement"), null=True)
    acknowledge_due_at = models.DateTimeField(_("acknowledgement due"), null=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledgement_breached = models.BooleanField(
        _("acknowledgement late"), default=False, db_index=True
    )
    due_at = models.DateTimeField(_("due"), null=True, db_index=True)
    # Business minutes spent waiting on the requester, excluded from the turnaround.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    paused_minutes = models.FloatField(_("paused (business minutes)"), default=0)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution_minutes = models.FloatField(_("took (business minutes)"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("internal request")
        verbose_name_plural = _("internal requests")
        indexes = [
            models.Index(fields=["desk", "status"]),
            models.Index(fields=["desk", "resolved_at"]),
            models.Index(fields=["request_type", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def acknowledgement_overdue(self, now: dt.datetime) -> bool:
        return (
            self.acknowledged_at is None
            and self.acknowledge_due_at is not None
            and self.acknowledge_due_at < now
        )


class UpdateKind(models.TextChoices):
    CREATED = "created", _("Request sent")
    AUTO_ACK = "auto_ack", _("Received automatically")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PROGRESS = "progress", _("Progress update")
    WAITING = "waiting", _("Question for the requester")
    REPLY = "reply", _("Reply from the requester")
    RESOLVED = "resolved", _("Resolved")
    CANCELLED = "cancelled", _("Cancelled")
    REOPENED = "reopened", _("Reopened")
    RATED = "rated", _("Rated")
    BREACH = "breach", _("Acknowledgement late")


class RequestUpdate(models.Model):
    """One line of the timeline the requester reads."""

    request = models.ForeignKey(InternalRequest, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("when"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=UpdateKind.choices)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request update")
        verbose_name_plural = _("request updates")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class DigestLog(models.Model):
    """Which team got which week's digest, so the weekly task can run twice without resending."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [
            models.UniqueConstraint(fields=["team", "week_start"], name="digest_unique_week")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.week_start}"
