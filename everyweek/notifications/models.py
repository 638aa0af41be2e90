from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Kept, never delivered: the recipient turned this kind of email off.
    SKIPPED = "skipped", _("Skipped (turned off by the recipient)")


class OutboundEmail(models.Model):
    """Every email everyweek sends, kept so admins can see, search and retry it.

    Life cycle: queued -> sent | failed; a failed email is queued again by a retry (an admin's
    button, or the periodic `retry_emails`). Only a queued email is ever handed to SMTP.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    to_email = models.EmailField(_("to"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    language = models.CharField(_("language"), max_length=10)
    template = models.CharField(_("template"), max_length=120)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When the email last entered the queue: a queued email left there too long lost its task.
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Files sent with the email, e.g. a calendar invitation:
    # [{"filename": "x.ics", "mimetype": "text/calendar", "content": "...", "base64": false}]
    attachments = models.JSONField(default=list, blank=True, editable=False)
    # Extra headers put on the message as stored, e.g. List-Unsubscribe on survey invitations:
    # {"List-Unsubscribe": "<https://...>"}. Stored so a retry sends exactly the same message.
    headers = models.JSONField(_("headers"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


class EmailPreference(models.Model):
    """A person's choice for one optional kind of email (see notifications.kinds).

    No row means the default, on; a row is written the first time the person changes the kind.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    kind = models.CharField(_("kind"), max_length=60)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="email_preference_once")
        ]
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.kind}={'on' if self.enabled else 'off'}"
