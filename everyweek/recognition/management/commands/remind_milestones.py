from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from everyweek.recognition.programmes import remind_milestones


class Command(BaseCommand):
    help = (
        "Remind leaders of their people's service anniversaries two weeks ahead. "
        "Each anniversary is announced once, so it is safe to run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = remind_milestones()
        if options["verbosity"] > 0:
            self.stdout.write(f"{sent} reminder(s) sent.")
