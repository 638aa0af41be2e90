"""everyweek import <tool> <file>: import an export from the command line, with a progress bar.

    everyweek import zendesk satisfaction_ratings.json
    everyweek import zendesk ticket_metrics.json --integration "Zendesk EU"
    everyweek import freshdesk tickets.csv
    everyweek import generic survey.xlsx --columns "Survey export"
    everyweek import generic survey.csv --column date="Submitted At" --column score=Rating

Every good row is kept; problems are listed (line, field, reason) on the terminal or in the
CSV named by --errors. Importing the same file again changes nothing. The output is in
--language, LANGUAGE_CODE by default.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from everyweek.feedback.services import FeedbackError
from everyweek.integrations import services
from everyweek.integrations.importers import kinds_for, spreadsheet
from everyweek.integrations.importers.base import ImportReport, RowProblem
from everyweek.integrations.models import ColumnMapping, ImportKind, Integration, Vendor


class Command(BaseCommand):
    help = "Import ratings, tickets or survey responses exported from another tool."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tool", choices=[v for v in Vendor.values])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--integration", help="name of the integration (default: the tool's only one)"
        )
        parser.add_argument(
            "--kind", choices=ImportKind.values, help="file type (default: guessed)"
        )
        parser.add_argument("--columns", help="name of a saved column mapping (spreadsheets)")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=f"map a column, fields: {', '.join(spreadsheet.FIELDS)}",
        )
        parser.add_argument("--score-kind", choices=["csat", "nps", "ces"], default="csat")
        parser.add_argument("--csat-scale", type=int, choices=[2, 3, 5, 7], default=5)
        parser.add_argument("--errors", type=Path, help="write the problems to this CSV file")
        parser.add_argument("--per-row", action="store_true", help="store row by row (slow path)")
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
        integration = self._integration(options["tool"], options["integration"])
        kind = options["kind"] or self._guess_kind(integration.vendor, path)
        if kind not in kinds_for(integration.vendor):
            raise CommandError(
                _("%(kind)s files do not fit a %(tool)s integration.")
                % {"kind": kind, "tool": integration.vendor}
            )
        mapping = self._mapping(kind, path, options) if kind == ImportKind.SPREADSHEET else None
        problems_out = (
            options["errors"].open("w", newline="", encoding="utf-8") if options["errors"] else None
        )
        writer = csv.writer(problems_out) if problems_out else None
        if writer:
            writer.writerow(["line", "field", "reason"])
        shown = 0
        show_progress = not options["no_progress"]

        def on_chunk(report: ImportReport, problems: list[RowProblem]) -> None:
            nonlocal shown
            for problem in problems:
                if writer:
                    writer.writerow([problem.line, problem.field, problem.reason])
                elif shown < 50:
                    self.stderr.write(
                        _("line %(line)s: %(field)s: %(reason)s")
                        % {"line": problem.line, "field": problem.field, "reason": problem.reason}
                    )
                    shown += 1
            if show_progress:
                self._progress(report)

        try:
            with path.open("rb") as stream:
                report = services.import_file(
                    integration=integration,
                    kind=kind,
                    stream=stream,
                    mapping=mapping,
                    bulk=not options["per_row"],
                    on_chunk=on_chunk,
                )
        except FeedbackError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if problems_out:
                problems_out.close()
        if show_progress:
            self.stderr.write("")
        self.stdout.write(
            _(
                "%(read)s rows: %(created)s added, %(updated)s updated, %(unchanged)s unchanged, "
                "%(skipped)s skipped, %(errors)s problems."
            )
            % {
                "read": report.processed,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "skipped": report.skipped,
                "errors": report.error_count,
            }
        )
        if report.error_count and not writer and report.error_count > shown:
            self.stdout.write(_("Use --errors FILE for the full list of problems."))

    def _progress(self, report: ImportReport) -> None:
        total = max(report.total, report.processed, 1)
        share = report.processed / total
        bar = "#" * int(share * 30)
        self.stderr.write(
            f"\r[{bar:<30}] {share:4.0%} "
            + _("%(processed)s/%(total)s rows")
            % {"processed": f"{report.processed:,}", "total": f"{total:,}"},
            ending="",
        )
        self.stderr.flush()

    def _integration(self, vendor: str, name: str | None) -> Integration:
        if name:
            found = Integration.objects.filter(name=name).first()
            if found is None:
                raise CommandError(_("No integration named “%(name)s”.") % {"name": name})
            if found.vendor != vendor:
                raise CommandError(
                    _("“%(name)s” is a %(found)s integration, not %(tool)s.")
                    % {"name": name, "found": found.vendor, "tool": vendor}
                )
            return found
        candidates = list(Integration.objects.filter(vendor=vendor))
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = ", ".join(repr(c.name) for c in candidates)
            raise CommandError(
                _("Several %(tool)s integrations (%(names)s): choose one with --integration.")
                % {"tool": vendor, "names": names}
            )
        label = dict(Vendor.choices)[vendor]
        integration, _token = services.create_integration(
            actor=None, vendor=vendor, name=str(label)
        )
        self.stdout.write(_("Created the integration “%(name)s”.") % {"name": integration.name})
        return integration

    def _guess_kind(self, vendor: str, path: Path) -> str:
        head = path.open("rb").read(1 << 16)
        if vendor == Vendor.ZENDESK and path.suffix.lower() == ".json":
            return (
                ImportKind.ZENDESK_METRICS
                if b'"ticket_metrics"' in head
                else ImportKind.ZENDESK_RATINGS
            )
        if vendor == Vendor.FRESHDESK:
            return (
                ImportKind.FRESHDESK_RATINGS
                if head.lstrip()[:1] in (b"[", b"{")
                else ImportKind.FRESHDESK_TICKETS
            )
        return ImportKind.SPREADSHEET

    def _mapping(self, kind: str, path: Path, options: dict[str, Any]) -> ColumnMapping:
        if options["columns"]:
            found = ColumnMapping.objects.filter(name=options["columns"]).first()
            if found is None:
                raise CommandError(
                    _("No saved column mapping named “%(name)s”.") % {"name": options["columns"]}
                )
            return found
        with path.open("rb") as stream:
            try:
                headers = spreadsheet.headers_of(stream)
            except FeedbackError as exc:
                raise CommandError(str(exc)) from exc
        columns = spreadsheet.guess_columns(headers)
        for pair in options["column"]:
            field, _sep, header = pair.partition("=")
            if field not in spreadsheet.FIELDS or not header:
                raise CommandError(
                    _("--column takes FIELD=HEADER with a field among %(fields)s.")
                    % {"fields": ", ".join(spreadsheet.FIELDS)}
                )
            columns[field] = header
        # An unsaved mapping: the command line keeps no state of its own.
        return ColumnMapping(
            name=path.name,
            columns=columns,
            score_kind=options["score_kind"],
            csat_scale=options["csat_scale"],
        )
