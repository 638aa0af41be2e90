from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from everyweek.week.tasks import run_daily


class Command(BaseCommand):
    help = (
        "Customer Service Week: email today's service tip to everyone, remind people of events "
        "in the next 24 hours, and credit hunt finds to open raffles. Safe to run every hour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_daily()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in result.items()))
