"""everyweek reanalyse [--since DATE] [--all]: analyse comments in batches, with a progress bar.

By default: comments never analysed, or analysed by another model than the active one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from everyweek.analysis import engine_state, services
from everyweek.feedback.models import SurveyResponse
from everyweek.textsense import engine


class Command(BaseCommand):
    help = "Analyse customer comments again (new ones, or those read by an older model)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="only responses submitted on or after YYYY-MM-DD")
        parser.add_argument("--all", action="store_true", help="every comment, whatever model")
        parser.add_argument("--batch", type=int, default=services.BATCH)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        qs = SurveyResponse.objects.exclude(comment="")
        if options["since"]:
            try:
                day = dt.date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError("--since needs a date such as 2026-01-31.") from exc
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            qs = qs.filter(submitted_at__gte=start)
        if not options["all"]:
            engine_state.activate_model()
            version = engine.analyse("").model_version
            qs = qs.filter(Q(analysis__isnull=True) | ~Q(analysis__model_version=version))
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        total = len(ids)
        batch = max(1, options["batch"])
        done = 0
        for start_at in range(0, total, batch):
            done += services.analyse_responses(ids[start_at : start_at + batch])
            if not options["no_progress"]:
                share = (start_at + batch) / total if total else 1.0
                share = min(share, 1.0)
                self.stderr.write(
                    f"\r[{'#' * int(share * 30):<30}] {share:4.0%} "
                    f"{min(start_at + batch, total):,}/{total:,} responses",
                    ending="",
                )
                self.stderr.flush()
        if total and not options["no_progress"]:
            self.stderr.write("")
        self.stdout.write(f"{done} comments analysed.")
