"""everyweek import <tool> <file>: import an export from the command line, with a progress bar.

    everyweek import zendesk satisfaction_ratings.json
    everyweek import zendesk ticket_metrics.json --integration "Zendesk EU"
    everyweek import freshdesk tickets.csv
    everyweek import generic survey.xlsx --columns "Survey export"
    everyweek import generic survey.csv --column date="Submitted At" --column score=Rating

Every good row is kept; problems are listed (line, field, reason) on the terminal or in the
CSV named by --errors. Importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        integration = self._integration(options["tool"], options["integration"])
        kind = options["kind"] or self._guess_kind(integration.vendor, path)
        if kind not in kinds_for(integration.vendor):
            raise CommandError(f"{kind} files do not fit a {integration.vendor} integration.")
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
                    self.stderr.write(f"line {problem.line}: {problem.field}: {problem.reason}")
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
            f"{report.processed} rows: {report.created} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.skipped} skipped, {report.error_count} problems."
        )
        if report.error_count and not writer and report.error_count > shown:
            self.stdout.write("Use --errors FILE for the full list of problems.")

    def _progress(self, report: ImportReport) -> None:
        total = max(report.total, report.processed, 1)
        share = report.processed / total
        bar = "#" * int(share * 30)
        self.stderr.write(
            f"\r[{bar:<30}] {share:4.0%} {report.processed:,}/{total:,} rows", ending=""
        )
        self.stderr.flush()

    def _integration(self, vendor: str, name: str | None) -> Integration:
        if name:
            found = Integration.objects.filter(name=name).first()
            if found is None:
                raise CommandError(f"No integration named {name!r}.")
            if found.vendor != vendor:
                raise CommandError(f"{name!r} is a {found.vendor} integration, not {vendor}.")
            return found
        candidates = list(Integration.objects.filter(vendor=vendor))
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = ", ".join(repr(c.name) for c in candidates)
            raise CommandError(
                f"Several {vendor} integrations ({names}): choose one with --integration."
            )
        label = dict(Vendor.choices)[vendor]
        integration, _token = services.create_integration(
            actor=None, vendor=vendor, name=str(label)
        )
        self.stdout.write(f"Created the integration {integration.name!r}.")
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
                raise CommandError(f"No saved column mapping named {options['columns']!r}.")
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
                    f"--column takes FIELD=HEADER with a field among {', '.join(spreadsheet.FIELDS)}."
                )
            columns[field] = header
        # An unsaved mapping: the command line keeps no state of its own.
        return ColumnMapping(
            name=path.name,
            columns=columns,
            score_kind=options["score_kind"],
            csat_scale=options["csat_scale"],
        )
