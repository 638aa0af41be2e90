from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from everyweek.scorecards import mailing


class Command(BaseCommand):
    help = "Email each leader last week's scorecard in their language (once per week)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--week", type=dt.date.fromisoformat, help="any day of the week to send (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = mailing.send_weekly(options["week"])
        self.stdout.write(f"{sent} scorecard emails queued.")
