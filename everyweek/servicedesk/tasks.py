"""Periodic work of the service desk. Idempotent, so schedulers may run them as often as they like."""

from __future__ import annotations

from django_tasks import task

from everyweek.servicedesk import digest, services


@task()
def flag_late_acknowledgements() -> int:
    """Every few minutes: flag requests nobody acknowledged within the desk's standard."""
    return services.flag_acknowledgement_breaches()


@task()
def send_weekly_digests() -> int:
    """Once a week (any day: it sends the last complete week once per team)."""
    return digest.send_weekly_digests()
