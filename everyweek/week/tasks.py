"""Periodic work of the week. Tasks take primary keys or nothing and are safe to run twice:
reminders are recorded per event and person, a tip is marked sent when it goes out."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from everyweek.week import raffle, services


def run_daily(now: Any = None) -> dict[str, int]:
    """Everything the week does on a schedule: today's tip, reminders, pending raffle credits."""
    now = now or timezone.now()
    return {
        "tips": services.send_daily_tip(timezone.localdate(now)),
        "reminders": services.send_reminders(now),
        "raffle_credits": raffle.credit_pending_finds(),
    }


@task()
def week_daily() -> dict[str, int]:
    return run_daily()


@task()
def send_event_reminders() -> int:
    return services.send_reminders()


@task()
def send_customer_notice(notice_id: int) -> int:
    """Email a sent notice to the customers not reached yet (safe to run twice)."""
    return services.deliver_notice(notice_id)
