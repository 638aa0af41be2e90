"""Templated, multilingual email. Every message is stored first, then delivered by a task.

An email is rendered once, in the recipient's language, and kept in the outbox
(OutboundEmail) with its status. The `deliver_email` task hands a *queued* email to the
configured email backend (SMTP in production) under a row lock, so a duplicate task or two
workers racing never deliver it twice. A failed email is queued again by `retry_email` (an
admin's button) or by `retry_due_emails` (the periodic `everyweek retry_emails`), with a
growing delay between automatic attempts.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template import Context, TemplateDoesNotExist, engines
from django.template.backends.django import DjangoTemplates
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from everyweek.core import audit
from everyweek.core.tasks import enqueue_on_commit
from everyweek.notifications import kinds
from everyweek.notifications.models import EmailPreference, EmailStatus, OutboundEmail
from everyweek.people.models import Person

logger = logging.getLogger(__name__)

# Automatic retries wait 5, 10, 20, 40… minutes after the last failure, at most 6 hours.
RETRY_BASE_DELAY = timedelta(minutes=5)
RETRY_MAX_DELAY = timedelta(hours=6)
# A queued email nobody delivered for this long lost its task (queue flushed, worker gone).
STALE_QUEUED_AFTER = timedelta(minutes=15)


class NotificationError(ValueError):
    """A request the outbox cannot honour, e.g. retrying an email that was already sent."""


def email_language(recipient: Person | None, language: str | None = None) -> str:
    """The language to write in: the one asked for, else the recipient's, else the site's."""
    wanted = language or (recipient.locale if recipient else "") or settings.LANGUAGE_CODE
    if wanted in dict(settings.CUSTOMER_LANGUAGES):
        return wanted
    try:
        return translation.get_supported_language_variant(wanted)
    except LookupError:
        return settings.LANGUAGE_CODE


def _render(name: str, context: dict[str, Any], *, autoescape: bool) -> str:
    # Plain-text parts and subjects must not be HTML-escaped ("O'Brien", "customers' feedback"),
    # so they are rendered through the Django engine directly with autoescaping off.
    engine = cast(DjangoTemplates, engines["django"]).engine
    return engine.get_template(name).render(Context(context, autoescape=autoescape))


def render_email(template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """(subject, text, html) rendered in `language` from `<template>_subject.txt`, `.txt`, `.html`.

    The HTML part is optional: without `<template>.html` the email is plain text only.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(_render(f"{template}_subject.txt", context, autoescape=False).split())
        text = _render(f"{template}.txt", context, autoescape=False)
        try:
            html = _render(f"{template}.html", context, autoescape=True)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html


@transaction.atomic
def send_email(
    *,
    to: Person | str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    attachments: Sequence[tuple[str, str | bytes, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> OutboundEmail:
    """Store an email in the recipient's language and deliver it after the transaction commits.

    If the surrounding transaction rolls back, the email is neither stored nor sent.
    `attachments` are (filename, content, mimetype), as Django's EmailMessage.attach takes them.
    `headers` are extra message headers (List-Unsubscribe…); the outbox's own win on a clash.

    An optional kind (notifications.kinds) sent to a Person carries a footer linking to their
    email settings; if they turned that kind off, the email is stored as SKIPPED (so the outbox
    shows why it never arrived) and not queued.
    """
    recipient = to if isinstance(to, Person) else None
    address = to.email if isinstance(to, Person) else to
    lang = email_language(recipient, language)
    subject, text, html = render_email(template, {"recipient": recipient, **context}, lang)
    kind = kinds.kind_for(template) if recipient is not None else None
    skipped = False
    if kind is not None and recipient is not None:
        text, html = _with_footer(text, html, kind, lang)
        skipped = not is_enabled(recipient, kind.key)
    email = OutboundEmail.objects.create(
        to_email=address,
        recipient=recipient,
        language=lang,
        template=template,
        subject=subject[:255],
        body_text=text,
        body_html=html,
        attachments=[_stored_attachment(*a) for a in attachments],
        headers={str(k): str(v) for k, v in (headers or {}).items()},
        status=EmailStatus.SKIPPED if skipped else EmailStatus.QUEUED,
    )
    if skipped:
        logger.info("Email %s (%s) to %s skipped: turned off", email.pk, template, address)
    else:
        _enqueue_delivery(email.pk)
    return email


def _with_footer(text: str, html: str, kind: kinds.EmailKind, language: str) -> tuple[str, str]:
    """The email with a footer naming its kind and linking to the recipient's email settings."""
    from django.urls import reverse

    context = {
        "kind": kind.label,
        "settings_url": f"{settings.SITE_URL}{reverse('notifications:preferences')}",
    }
    with translation.override(language):
        footer_text = _render("notifications/email/footer.txt", context, autoescape=False)
        footer_html = _render("notifications/email/footer.html", context, autoescape=True)
    text = f"{text.rstrip()}\n\n-- \n{footer_text.strip()}\n"
    if html:
        # Inside the body when there is one, so every client shows it.
        at = html.lower().rfind("</body>")
        html = f"{html[:at]}{footer_html}{html[at:]}" if at >= 0 else f"{html}{footer_html}"
    return text, html


# --- Preferences ----------------------------------------------------------------------------


def disabled_kinds(person: Person) -> set[str]:
    return set(
        EmailPreference.objects.filter(person=person, enabled=False).values_list("kind", flat=True)
    )


def is_enabled(person: Person, key: str) -> bool:
    return not EmailPreference.objects.filter(person=person, kind=key, enabled=False).exists()


@transaction.atomic
def set_email_preferences(*, person: Person, enabled: Mapping[str, bool]) -> dict[str, bool]:
    """Save a person's own choices (the settings page); returns what changed, audited.

    Only the person themself calls this (the page has no other person's id to name), and only
    optional kinds are accepted: a mandatory email cannot be turned off.
    """
    unknown = set(enabled) - set(kinds.BY_KEY)
    if unknown:
        raise NotificationError(f"Not an optional kind of email: {', '.join(sorted(unknown))}")
    off = disabled_kinds(person)
    changed: dict[str, bool] = {}
    for key, on in enabled.items():
        if (key not in off) != on:
            EmailPreference.objects.update_or_create(
                person=person, kind=key, defaults={"enabled": on}
            )
            changed[key] = on
    if changed:
        audit.record(
            person,
            "email_preferences.update",
            person,
            {key: [not on, on] for key, on in sorted(changed.items())},
        )
    return changed


def _stored_attachment(filename: str, content: str | bytes, mimetype: str) -> dict[str, Any]:
    if isinstance(content, bytes):
        encoded = base64.b64encode(content).decode("ascii")
        return {"filename": filename, "mimetype": mimetype, "content": encoded, "base64": True}
    return {"filename": filename, "mimetype": mimetype, "content": content, "base64": False}


def _enqueue_delivery(email_id: int) -> None:
    from everyweek.notifications.tasks import deliver_email

    enqueue_on_commit(deliver_email, email_id)


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
        headers={
            **(email.headers or {}),
            "Content-Language": email.language,
            "X-Everyweek-Email": str(email.pk),
        },
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for item in email.attachments or []:
        content = base64.b64decode(item["content"]) if item.get("base64") else item["content"]
        message.attach(item["filename"], content, item["mimetype"])
    return message


def deliver(email_id: int) -> OutboundEmail | None:
    """Hand one queued email to the email backend. Idempotent: sends at most once.

    The email is claimed with one atomic UPDATE (queued -> sending), so of two workers given
    the same email only one sends it; no lock is held during the SMTP conversation, which on
    SQLite would block every other write for as long as the mail server takes. A worker that
    dies mid-send leaves the email "sending"; `retry_due_emails` queues it again later.
    """
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=email_id, status=EmailStatus.QUEUED).update(
        status=EmailStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now
    )
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if not claimed or email is None:
        return email
    try:
        _message(email).send()
    except Exception as exc:
        # Any failure (refused connection, timeout, rejected address) is recorded for the
        # admin and the retry.
        logger.warning("Email %s to %s failed: %s", email.pk, email.to_email, exc)
        email.status = EmailStatus.FAILED
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        email.status = EmailStatus.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
    email.save(update_fields=["status", "last_error", "sent_at"])
    return email


@transaction.atomic
def retry_email(*, actor: Any, email: OutboundEmail) -> OutboundEmail:
    """Queue an unsent email again and deliver it after commit (the outbox's Retry button).

    An admin may retry beyond EMAIL_MAX_ATTEMPTS; only the automatic retry stops there.
    """
    locked = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if locked.status == EmailStatus.SENT:
        raise NotificationError(_("This email was already sent."))
    if locked.status == EmailStatus.SKIPPED:
        raise NotificationError(_("The recipient turned this kind of email off."))
    previous = locked.status
    locked.status = EmailStatus.QUEUED
    locked.queued_at = timezone.now()
    locked.save(update_fields=["status", "queued_at"])
    _enqueue_delivery(locked.pk)
    audit.record(
        actor,
        "email.retry",
        locked,
        {"status": [previous, EmailStatus.QUEUED], "attempts": locked.attempts},
    )
    return locked


def retry_delay(attempts: int) -> timedelta:
    """How long an email that failed `attempts` times waits before the next automatic try."""
    factor = 2 ** max(attempts - 1, 0)
    return min(RETRY_BASE_DELAY * factor, RETRY_MAX_DELAY)


def retry_due_emails(now: datetime | None = None) -> int:
    """Queue again every failed email whose back-off has passed, up to EMAIL_MAX_ATTEMPTS,
    and re-enqueue queued emails whose task was lost. Returns how many were queued.

    Idempotent, so cron or a periodic task may run it as often as they like: an email it
    queues is not due again until it fails again or stays undelivered for STALE_QUEUED_AFTER.
    """
    now = now or timezone.now()
    stale_before = now - STALE_QUEUED_AFTER
    candidates = (
        OutboundEmail.objects.filter(
            Q(status=EmailStatus.FAILED, attempts__lt=settings.EMAIL_MAX_ATTEMPTS)
            | Q(status=EmailStatus.QUEUED, queued_at__lt=stale_before)
            | Q(status=EmailStatus.SENDING, last_attempt_at__lt=stale_before)
        )
        .order_by("pk")
        .only("pk", "status", "attempts", "last_attempt_at")
    )
    queued = 0
    for candidate in candidates.iterator():
        if candidate.status == EmailStatus.FAILED:
            last = candidate.last_attempt_at or now
            if last + retry_delay(candidate.attempts) > now:
                continue
        if _requeue(candidate.pk, now, stale_before):
            queued += 1
    return queued


@transaction.atomic
def _requeue(email_id: int, now: datetime, stale_before: datetime) -> bool:
    # Re-checked under the lock: an admin or another run may have queued it meanwhile.
    email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
    if email is None:
        return False
    due_failed = email.status == EmailStatus.FAILED and email.attempts < settings.EMAIL_MAX_ATTEMPTS
    stale_queued = email.status == EmailStatus.QUEUED and email.queued_at < stale_before
    stale_sending = (
        email.status == EmailStatus.SENDING
        and email.last_attempt_at is not None
        and email.last_attempt_at < stale_before
    )
    if not (due_failed or stale_queued or stale_sending):
        return False
    email.status = EmailStatus.QUEUED
    email.queued_at = now
    email.save(update_fields=["status", "queued_at"])
    _enqueue_delivery(email.pk)
    return True
