"""Background tasks of the outbox. They take primary keys and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from everyweek.notifications import services


@task()
def deliver_email(email_id: int) -> str:
    """Send one queued email; returns its status afterwards ("missing" if it was deleted)."""
    email = services.deliver(email_id)
    return email.status if email is not None else "missing"


@task()
def retry_emails() -> int:
    """The periodic retry, for schedulers that enqueue tasks (cron can run the command instead)."""
    return services.retry_due_emails()
