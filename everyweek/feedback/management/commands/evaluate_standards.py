from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from everyweek.feedback import standards
from everyweek.feedback.models import Interaction


class Command(BaseCommand):
    help = (
        "Re-evaluate service standards. By default only interactions whose clocks still run "
        "(run it every few minutes so breaches show while tickets are open); --since DATE or --all "
        "after a standard or calendar changed. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            help="every interaction created on or after this date (YYYY-MM-DD, UTC)",
        )
        parser.add_argument("--all", action="store_true", help="every interaction")
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["since"] and options["all"]:
            raise CommandError("Give --since or --all, not both.")
        if options["all"]:
            queryset = Interaction.objects.all()
        elif options["since"]:
            start = dt.datetime.combine(options["since"], dt.time(), tzinfo=dt.UTC)
            queryset = Interaction.objects.filter(created_at__gte=start)
        else:
            queryset = standards.clocks_still_running()
        summary = standards.evaluate_many(queryset, chunk_size=options["chunk_size"])
        self.stdout.write(
            f"Evaluated {summary.interactions} interactions: {summary.created} results added, "
            f"{summary.updated} changed, {summary.deleted} removed."
        )
