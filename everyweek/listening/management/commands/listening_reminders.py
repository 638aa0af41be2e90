from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from everyweek.listening.tasks import remind_due_leaders


class Command(BaseCommand):
    help = "Remind leaders whose listening cadence has lapsed (at most once a week each)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"reminded={remind_due_leaders()}")
