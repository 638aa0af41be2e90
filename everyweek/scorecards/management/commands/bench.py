from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = (
        "Benchmarks. `bench scorecards --interactions N --agents M`: bulk ingest vs a bare "
        "executemany/COPY, and the organisation scorecard's server time against DuckDB scanning the raw rows. Writes to the "
        "configured database: use a scratch one (SQLITE_PATH or DATABASE_URL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", choices=["scorecards"])
        parser.add_argument("--interactions", type=int, default=1_000_000)
        parser.add_argument("--agents", type=int, default=2000)
        parser.add_argument(
            "--responses", type=int, default=None, help="survey responses (default: a tenth)"
        )
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="print the results as JSON too")

    def handle(self, *args: Any, **options: Any) -> None:
        from everyweek.people.models import Person
        from everyweek.scorecards import bench

        name = str(connection.settings_dict["NAME"])
        others = Person.objects.exclude(email__endswith="@bench.invalid").count()
        if others or "bench" not in name.lower():
            raise CommandError(
                "Run the benchmark on a scratch database whose name contains 'bench' and that "
                "holds no people, e.g. SQLITE_PATH=/tmp/bench.sqlite3 (migrate it first) or "
                "DATABASE_URL=postgres://…/everyweek_bench."
            )
        if options["interactions"] < 1 or options["agents"] < 1:
            raise CommandError("--interactions and --agents must be positive.")
        results = bench.run(
            options["interactions"],
            options["agents"],
            responses=options["responses"],
            months=options["months"],
            seed=options["seed"],
            out=self.stdout.write,
        )
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
