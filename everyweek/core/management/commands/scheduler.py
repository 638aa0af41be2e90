from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from everyweek.core import schedule


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of everyweek/core/schedule.py when they are due (`everyweek "
        "worker` already does, beside the task worker). Any number may run, on any machine: "
        "each due run is claimed once through the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due now, then stop.")
        parser.add_argument(
            "--tick", type=float, default=None, help="Seconds between two looks at the schedule."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = schedule.Scheduler(interval=options["tick"])
        if not options["once"]:
            try:
                scheduler.run_forever()
            except KeyboardInterrupt:
                scheduler.stop()
            return
        for run in scheduler.run_once():
            if options["verbosity"] > 0:
                lines = (run.result or run.error).strip().splitlines()
                self.stdout.write(f"{run.job}: {run.status} {lines[-1] if lines else ''}")
