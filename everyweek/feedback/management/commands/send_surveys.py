from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from everyweek.feedback.invitations import send_due_invitations


class Command(BaseCommand):
    help = (
        "Email the survey invitations that are due, send one reminder where a survey asks for it, "
        "and mark unanswered links past their expiry. Idempotent: safe to run every minute."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = send_due_invitations()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{report.sent} sent, {report.reminded} reminded, "
                f"{report.unsubscribed} unsubscribed, {report.link_only} without address, "
                f"{report.expired} expired."
            )
