from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from everyweek.feedback.followups import escalate_overdue


class Command(BaseCommand):
    help = (
        "Escalate overdue follow-up cases to the owner's leader and email them. Each case "
        "escalates once, so this is safe to run every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = escalate_overdue()
        if options["verbosity"] > 0:
            self.stdout.write(f"{escalated} follow-up(s) escalated.")
