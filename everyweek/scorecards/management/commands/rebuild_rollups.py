from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from everyweek.scorecards import rollups


class Command(BaseCommand):
    help = "Recompute the daily rollups per agent and team from the raw rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", type=dt.date.fromisoformat, help="only days from this date (YYYY-MM-DD) on"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = rollups.rebuild(options["since"])
        self.stdout.write(f"{rows} agent-day rollups rebuilt.")
