"""Templated, multilingual email. Every message is stored first, then delivered by a task."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from everyweek.core import audit
from everyweek.core.tasks import enqueue_on_commit
from everyweek.notifications.models import EmailStatus, OutboundEmail
from everyweek.people.models import Person


def render_email(template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """(subject, text, html) rendered in `language` from `<template>_subject.txt`, `.txt`, `.html`."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject, text, html


@transaction.atomic
def send_email(
    *,
    to: Person | str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
) -> OutboundEmail:
    """Store an email in the recipient's language and deliver it after the transaction commits."""
    recipient = to if isinstance(to, Person) else None
    address = to.email if isinstance(to, Person) else to
    lang = language or (recipient.locale if recipient else settings.LANGUAGE_CODE)
    subject, text, html = render_email(template, {"recipient": recipient, **context}, lang)
    email = OutboundEmail.objects.create(
        to_email=address,
        recipient=recipient,
        language=lang,
        template=template,
        subject=subject[:255],
        body_text=text,
        body_html=html,
    )
    from everyweek.notifications.tasks import deliver_email

    enqueue_on_commit(deliver_email, email.pk)
    return email


def deliver(email_id: int) -> OutboundEmail:
    """Send one stored email over SMTP. Idempotent: a sent email is never sent twice."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        if email.status == EmailStatus.SENT:
            return email
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            return email
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to_email],
            headers={"Content-Language": email.language, "X-Everyweek-Email": str(email.pk)},
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except Exception as exc:
            email.status = EmailStatus.FAILED
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            email.status = EmailStatus.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
        email.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    return email


@transaction.atomic
def retry_email(*, actor: Any, email: OutboundEmail) -> OutboundEmail:
    """Queue a failed email again (an admin's retry button, or the periodic retry task)."""
    if email.status == EmailStatus.SENT:
        return email
    email.status = EmailStatus.QUEUED
    email.attempts = 0 if actor else email.attempts
    email.save(update_fields=["status", "attempts"])
    from everyweek.notifications.tasks import deliver_email

    enqueue_on_commit(deliver_email, email.pk)
    if actor:
        audit.record(actor, "email.retry", email)
    return email
