"""Connections to the tools people already use: helpdesks and survey tools.

An `Integration` is one configured source (a Zendesk account, a Typeform form…). Files are
imported through `ImportJob`s; webhooks arrive at `/hooks/<vendor>/<endpoint>/` and each
delivery is remembered as a `WebhookEvent` so a retried delivery is never applied twice.
Agents the vendor knows by id or email become `ExternalIdentity` rows; the unknown ones wait
for an administrator to map them, and their responses are credited once that happens.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from everyweek.core.crypto import EncryptedCharField
from everyweek.feedback.models import Interaction, Survey, SurveyResponse


class Vendor(models.TextChoices):
    ZENDESK = "zendesk", "Zendesk"
    FRESHDESK = "freshdesk", "Freshdesk"
    DELIGHTED = "delighted", "Delighted"
    TYPEFORM = "typeform", "Typeform"
    FORMBRICKS = "formbricks", "Formbricks"
    CHATWOOT = "chatwoot", "Chatwoot"
    GENERIC = "generic", _("Spreadsheet (CSV or Excel)")


class Integration(models.Model):
    """One configured source. `source` is written on every interaction and response it brings."""

    vendor = models.CharField(_("tool"), max_length=20, choices=Vendor.choices)
    name = models.CharField(_("name"), max_length=120, unique=True)
    source = models.CharField(
        _("source name"),
        max_length=30,
        unique=True,
        help_text=_("Stored with every record this integration brings, e.g. “zendesk”."),
    )
    endpoint = models.UUIDField(_("webhook address key"), default=uuid.uuid4, unique=True)
    # The signing secret. Either the name of an environment variable holding it (preferred in
    # production) or the value itself, which is shown once when created and never again, and
    # stored encrypted (core/crypto.py).
    secret_env = models.CharField(_("secret from environment variable"), max_length=80, blank=True)
    secret = EncryptedCharField(_("signing secret"), max_length=1024, blank=True)
    # Chatwoot before 4.11 signs nothing: a token in the URL, of which only a digest is kept.
    url_token_digest = models.CharField(max_length=64, blank=True)
    survey = models.ForeignKey(
        Survey,
        verbose_name=_("survey"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Imported ratings are put on this survey's CSAT scale."),
    )
    # Vendor options: field references (Typeform, Formbricks), property names (Delighted),
    # the time zone of naive dates in files, the CSAT scale.
    config = models.JSONField(_("options"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self) -> str:
        return self.name


class WebhookStatus(models.TextChoices):
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", _("Failed")


class WebhookEvent(models.Model):
    """One delivery, keyed on the vendor's event id: a repeated delivery is acknowledged, not applied.

    The raw body is kept for audit and debugging and blanked after
    EVERYWEEK_WEBHOOK_RETENTION_DAYS (30 by default) by `purge_webhook_payloads`; the row
    itself stays, so the event id still guards against a late replay.
    """

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(_("event id"), max_length=200)
    event_type = models.CharField(_("event type"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.PROCESSED
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    payload = models.TextField(_("raw body"), blank=True)
    error = models.TextField(_("error"), blank=True)
    response = models.ForeignKey(
        SurveyResponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "event_id"], name="webhook_event_unique_per_integration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.integration_id}:{self.event_id}"


class IdentityStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be mapped")
    MAPPED = "mapped", _("Mapped")
    IGNORED = "ignored", _("Ignored")


class ExternalIdentity(models.Model):
    """An agent as another tool knows them: by id, email or name, mapped to a person here."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="identities"
    )
    # The vendor's agent id, or "email:<address>" / "name:<name>" when that is all it sends.
    external_id = models.CharField(_("external id"), max_length=150)
    email = models.EmailField(_("email address"), blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="external_identities",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=IdentityStatus.choices,
        default=IdentityStatus.PENDING,
        db_index=True,
    )
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        ordering = ["integration", "email", "external_id"]
        verbose_name = _("external agent")
        verbose_name_plural = _("external agents")
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "external_id"], name="identity_unique_per_integration"
            )
        ]

    def __str__(self) -> str:
        return self.email or self.name or self.external_id


class PendingCredit(models.Model):
    """A response or interaction stored without an agent because its agent was not mapped yet."""

    identity = models.ForeignKey(
        ExternalIdentity, on_delete=models.CASCADE, related_name="pending_credits"
    )
    response = models.OneToOneField(
        SurveyResponse, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    interaction = models.OneToOneField(
        Interaction, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("credit waiting for a mapping")
        verbose_name_plural = _("credits waiting for a mapping")

    def __str__(self) -> str:
        return f"{self.identity_id}: {self.response_id or self.interaction_id}"


class ColumnMapping(models.Model):
    """Which spreadsheet column holds the score, the comment, the agent…; saved to be reused."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    # {"response_id": "Response ID", "score": "Rating", ...}: field -> column header.
    columns = models.JSONField(_("columns"), default=dict)
    score_kind = models.CharField(
        _("the score is"),
        max_length=4,
        choices=[("csat", _("CSAT")), ("nps", _("NPS (0-10)")), ("ces", _("Effort (1-7)"))],
        default="csat",
    )
    csat_scale = models.PositiveSmallIntegerField(
        _("CSAT scale"), default=5, choices=[(2, "1-2"), (3, "1-3"), (5, "1-5"), (7, "1-7")]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return self.name


class ImportKind(models.TextChoices):
    ZENDESK_RATINGS = "zendesk_ratings", _("Zendesk satisfaction ratings (JSON)")
    ZENDESK_METRICS = "zendesk_metrics", _("Zendesk ticket metrics (JSON)")
    FRESHDESK_RATINGS = "freshdesk_ratings", _("Freshdesk satisfaction ratings (JSON)")
    FRESHDESK_TICKETS = "freshdesk_tickets", _("Freshdesk ticket export (CSV)")
    SPREADSHEET = "spreadsheet", _("Survey responses from a spreadsheet (CSV or Excel)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded file and how far its import got; the page polls this for the progress bar."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="imports", verbose_name=_("integration")
    )
    kind = models.CharField(_("file type"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    mapping = models.ForeignKey(
        ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("columns")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("added"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.processed * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ImportRowError(models.Model):
    """One problem with one row: the line, the field and why. Good rows are kept regardless."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField(_("line"))
    field = models.CharField(_("field"), max_length=80, blank=True)
    reason = models.TextField(_("problem"))

    class Meta:
        ordering = ["line", "id"]
        verbose_name = _("row problem")
        verbose_name_plural = _("row problems")

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"
