from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from everyweek.notifications.services import retry_due_emails


class Command(BaseCommand):
    help = (
        "Queue failed emails again once their back-off has passed (up to EMAIL_MAX_ATTEMPTS) "
        "and re-queue emails whose delivery task was lost. Safe to run every minute from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = retry_due_emails()
        if options["verbosity"] > 0:
            self.stdout.write(f"{queued} email(s) queued for delivery.")
