"""everyweek ingest_interactions FILE --source NAME: the bulk CSV path for millions of interactions.

    everyweek ingest_interactions tickets.csv --source helpdesk
    everyweek ingest_interactions tickets.csv --source helpdesk --errors problems.csv

Columns: external_id, agent, created_at, first_response_at, resolved_at, handle_time_seconds,
reopen_count, channel. Every good row is kept; problems are listed with line and reason (the
first 50 on the terminal, all of them in the CSV named by --errors, up to bulk.MAX_ERRORS).
Importing the same file again changes nothing. A wrong header exits with status 1. This stays
synchronous (the upload page and the API run the same import as a background job); its output is
in --language, LANGUAGE_CODE by default.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from everyweek.scorecards import services
from everyweek.scorecards.bulk import BulkReport

SHOWN = 50


def printable(text: str) -> str:
    """File-derived text for a terminal: control characters (escape sequences) shown, not run."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class Command(BaseCommand):
    help = "Bulk-import interactions from a CSV file (validated, rolled up, standards evaluated)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="name of the system the rows come from")
        parser.add_argument("--errors", type=Path, help="write every problem to this CSV file")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of the summary and the problems (default: LANGUAGE_CODE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        show_progress = not options["no_progress"]
        shown = 0

        def on_chunk(report: BulkReport, first_error: int) -> None:
            nonlocal shown
            for line, message in report.errors[first_error:]:
                if shown < SHOWN:
                    self.stderr.write(
                        _("line %(line)s: %(reason)s")
                        % {"line": line, "reason": printable(message)}
                    )
                    shown += 1
            if show_progress:
                self.stderr.write(
                    _(
                        "%(read)s rows read: %(stored)s stored, %(skipped)s already there, "
                        "%(errors)s problems"
                    )
                    % {
                        "read": f"{report.read:,}",
                        "stored": f"{report.inserted:,}",
                        "skipped": f"{report.skipped:,}",
                        "errors": f"{report.error_count:,}",
                    }
                )

        try:
            with path.open("rb") as stream:
                report = services.ingest_interactions(
                    stream, source=options["source"], filename=path.name, on_chunk=on_chunk
                )
        except services.ScorecardError as exc:
            raise CommandError(str(exc)) from exc
        if options["errors"]:
            with options["errors"].open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "reason"])
                writer.writerows(report.errors)
        self.stdout.write(
            _("%(read)s rows: %(stored)s stored, %(skipped)s already there, %(errors)s problems.")
            % {
                "read": report.read,
                "stored": report.inserted,
                "skipped": report.skipped,
                "errors": report.error_count,
            }
        )
        if report.error_count > len(report.errors):
            self.stdout.write(
                _("Only the first %(count)s problems are listed.") % {"count": len(report.errors)}
            )
        elif report.error_count > shown and not options["errors"]:
            self.stdout.write(_("Use --errors FILE for the full list of problems."))
