from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One write made through a service function: who, what, when, and the changed fields."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A dotted verb such as "person.deactivate"; stable so it can be filtered and exported.
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("object type"), max_length=80, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the scheduler")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
    # Started and never finished within its timeout: the process running it was stopped.
    TIMED_OUT = "timed_out", _("timed out")


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("schedule")
    MANUAL = "manual", _("run now")


class ScheduledRun(models.Model):
    """One run of a periodic job (everyweek/core/schedule.py).

    A scheduled run is claimed by inserting its row: the unique (job, slot) pair of scheduled
    runs means that of all the schedulers running, on any machine, exactly one gets each slot.
    A "run now" request is a pending row that one scheduler claims with a conditional update;
    it stays outside that constraint, so asking at the very instant of a slot (a frozen clock,
    a coarse one) can neither fail nor take the slot from the scheduled run.
    """

    job = models.CharField(_("job"), max_length=80)
    # The due time this run is for (for "run now", the time it was asked for).
    slot = models.DateTimeField(_("due at"))
    trigger = models.CharField(
        _("trigger"), max_length=10, choices=RunTrigger.choices, default=RunTrigger.SCHEDULE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # host:pid of the scheduler that ran it.
    claimed_by = models.CharField(_("run by"), max_length=120, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-slot", "-id"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "slot"],
                condition=models.Q(trigger=RunTrigger.SCHEDULE),
                name="core_scheduledrun_one_per_slot",
            ),
            # One waiting "run now" per job, however many admins click at once.
            models.UniqueConstraint(
                fields=["job"],
                condition=models.Q(status=RunStatus.PENDING),
                name="core_scheduledrun_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "slot"]),
            # The latest runs of each job, for the "Scheduled jobs" page and its run lists.
            models.Index(fields=["job", "-id"], name="core_scheduledrun_job_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> dt.timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at
